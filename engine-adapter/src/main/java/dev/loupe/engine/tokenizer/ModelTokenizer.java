package dev.loupe.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.loupe.engine.format.ModelFormatException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;

/**
 * A checkpoint's tokenizer.json, run by Hugging Face's tokenizers library (through DJL's bundled native build).
 * Special tokens are added as the file's post-processor says (BERT's [CLS] ... [SEP]); nothing is truncated.
 */
public final class ModelTokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    /** The id of the model's unknown-word token, or -1 when its vocabulary covers every input (byte-level BPE). */
    private final long unkId;
    private final String unkToken;

    private final long[] specialIds;

    private ModelTokenizer(Path file, HuggingFaceTokenizer tokenizer, String unkToken, long[] specialIds) {
        this.specialIds = specialIds;
        this.file = file;
        this.tokenizer = tokenizer;
        this.unkToken = unkToken;
        long[] ids = unkToken == null ? new long[0] : tokenizer.encode(unkToken, false, false).getIds();
        this.unkId = ids.length == 1 ? ids[0] : -1;
    }

    public static ModelTokenizer load(Path file) {
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            Specials specials = readSpecials(file);
            return new ModelTokenizer(file, t, specials.unkToken(), specials.ids());
        } catch (Exception | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ModelFormatException(file + ": not a tokenizer Loupe can load (" + why + ")", e);
        }
    }

    /** What the tokenizers binding does not expose, read from tokenizer.json: the unknown token, the special ids. */
    private record Specials(String unkToken, long[] ids) {
        static final Specials NONE = new Specials(null, new long[0]);
    }

    /**
     * model.unk_token (null without one: byte-level BPE never loses a word) and the added_tokens marked special, as
     * sorted ids, in one parse of the file (a real tokenizer.json runs to megabytes). A file the binding loaded but
     * whose JSON says nothing readable here gives none: there is then nothing to warn about or avoid.
     */
    private static Specials readSpecials(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonObject root = JsonParser.parseReader(r).getAsJsonObject();
            String unk = null;
            if (root.get("model") instanceof JsonObject model && model.get("unk_token") instanceof JsonPrimitive p) {
                unk = p.getAsString();
            }
            TreeSet<Long> ids = new TreeSet<>();
            if (root.get("added_tokens") instanceof JsonArray added) {
                for (JsonElement e : added) {
                    JsonObject o = e.getAsJsonObject();
                    if (o.has("special") && o.get("special").getAsBoolean() && o.has("id")) {
                        ids.add(o.get("id").getAsLong());
                    }
                }
            }
            return new Specials(unk, ids.stream().mapToLong(Long::longValue).toArray());
        } catch (IOException | RuntimeException e) {
            return Specials.NONE;
        }
    }

    /** The special tokens' ids (added_tokens marked special), sorted. */
    public long[] specialTokenIds() {
        return specialIds.clone();
    }

    /** The unknown-word token's id, or -1 when the tokenizer has none (it then never loses a word). */
    public long unknownTokenId() {
        return unkId;
    }

    /**
     * The pieces of {@code text} that this tokenizer could only read as its unknown token ("Eiffel" for a word-level
     * vocabulary without it), in order; empty when every word is known.
     */
    public List<String> unknownWords(String text) {
        if (unkId < 0) {
            return List.of();
        }
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = e.getCharTokenSpans();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == unkId) {
                ai.djl.huggingface.tokenizers.jni.CharSpan span = spans != null && i < spans.length ? spans[i] : null;
                String word = span == null ? e.getTokens()[i] : text.substring(span.getStart(), span.getEnd());
                if (!word.equals(unkToken)) { // the unknown token typed as itself is known
                    out.add(word);
                }
            }
        }
        return out;
    }

    public Path file() {
        return file;
    }

    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /**
     * The tokens of {@code text} alone, without the special tokens the post-processor adds around a whole input
     * (BOS, [CLS] ... [SEP]): how a word typed as a target or a steering term reads inside a prompt.
     */
    public long[] encodePiece(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** The token strings the tokenizer produced for {@code text}, aligned with {@link #encode}. */
    public String[] tokens(String text) {
        Encoding e = tokenizer.encode(text);
        return e.getTokens();
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

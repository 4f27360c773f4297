package dev.loupe.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.loupe.engine.format.ModelFormatException;
import java.nio.file.Path;
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
            return new ModelTokenizer(file, t, unkToken(file), specialIds(file));
        } catch (Exception | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ModelFormatException(file + ": not a tokenizer Loupe can load (" + why + ")", e);
        }
    }

    /**
     * model.unk_token of tokenizer.json, or null. Read from the file, since the tokenizers binding does not expose
     * it; a tokenizer without one (byte-level BPE) never loses a word.
     */
    private static String unkToken(Path file) {
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            com.google.gson.JsonObject model = com.google.gson.JsonParser.parseReader(r).getAsJsonObject()
                    .getAsJsonObject("model");
            if (model == null || !model.has("unk_token") || !model.get("unk_token").isJsonPrimitive()) {
                return null;
            }
            return model.get("unk_token").getAsString();
        } catch (java.io.IOException | RuntimeException e) {
            return null; // the file loaded as a tokenizer; without a readable unk_token there is nothing to warn about
        }
    }

    /** tokenizer.json's added_tokens marked special, as sorted ids; none when the file says nothing readable. */
    private static long[] specialIds(Path file) {
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            com.google.gson.JsonElement added = com.google.gson.JsonParser.parseReader(r).getAsJsonObject().get("added_tokens");
            if (added == null || !added.isJsonArray()) {
                return new long[0];
            }
            java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
            for (com.google.gson.JsonElement e : added.getAsJsonArray()) {
                com.google.gson.JsonObject o = e.getAsJsonObject();
                if (o.has("special") && o.get("special").getAsBoolean() && o.has("id")) {
                    ids.add(o.get("id").getAsLong());
                }
            }
            return ids.stream().mapToLong(Long::longValue).toArray();
        } catch (java.io.IOException | RuntimeException e) {
            return new long[0];
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
    public java.util.List<String> unknownWords(String text) {
        if (unkId < 0) {
            return java.util.List.of();
        }
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = e.getCharTokenSpans();
        java.util.List<String> out = new java.util.ArrayList<>();
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

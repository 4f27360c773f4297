package dev.loupe.samples;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level vocabulary: the trainer's own tokenizer, and the writer of the equivalent Hugging Face
 * {@code tokenizer.json} (WordLevel model, Whitespace pre-tokenizer, no normalizer, no post-processor, no
 * decoder), so that the engine's tokenizer and the trainer agree token for token.
 *
 * <p>Id 0 is {@code <|endoftext|>} (BOS and EOS, as in GPT-2) and id 1 is {@code <unk>}. No post-processor means
 * encoding never adds special tokens; whoever wants a BOS prepends id 0 themselves.
 */
public final class WordLevelTokenizer {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String UNKNOWN = "<unk>";
    public static final int END_OF_TEXT_ID = 0;
    public static final int UNKNOWN_ID = 1;

    // The regex of the tokenizers library's Whitespace pre-tokenizer. The corpus is ASCII, where Java's \w and
    // Rust's Unicode \w agree.
    private static final Pattern WHITESPACE_PRE_TOKENIZER = Pattern.compile("\\w+|[^\\w\\s]+");

    private final List<String> words;
    private final Map<String, Integer> ids;

    /** @param ordinaryWords the vocabulary after the two special tokens, in id order */
    public WordLevelTokenizer(List<String> ordinaryWords) {
        List<String> all = new ArrayList<>();
        all.add(END_OF_TEXT);
        all.add(UNKNOWN);
        all.addAll(ordinaryWords);
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            String w = all.get(i);
            if (map.put(w, i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary word: " + w);
            }
            if (i > UNKNOWN_ID && split(w).size() != 1) {
                // A word the pre-tokenizer would cut in two could never be produced by encoding.
                throw new IllegalArgumentException("not a single pre-token: \"" + w + "\"");
            }
        }
        this.words = List.copyOf(all);
        this.ids = Map.copyOf(map);
    }

    /** Splits text as the Whitespace pre-tokenizer does: runs of word characters, runs of punctuation. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WHITESPACE_PRE_TOKENIZER.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    public int size() {
        return words.size();
    }

    public String word(int id) {
        return words.get(id);
    }

    public int id(String word) {
        return ids.getOrDefault(word, UNKNOWN_ID);
    }

    /** Encodes without special tokens, as tokenizer.json does. */
    public int[] encode(String text) {
        return split(text).stream().mapToInt(this::id).toArray();
    }

    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int id : tokenIds) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(words.get(id));
        }
        return sb.toString();
    }

    /** {@code text}'s ids after {@code <|endoftext|>}: what the written tokenizer.json encodes it to. */
    public int[] encodeWithBos(String text) {
        int[] ids = encode(text);
        int[] out = new int[ids.length + 1];
        out[0] = END_OF_TEXT_ID;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    static long[] toLongs(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /**
     * Loads a tokenizer.json written by {@link #writeHuggingFaceJson} with DJL's Hugging Face tokenizer (what the
     * engine uses) and checks that it encodes every text to exactly {@link #encodeWithBos}, with no unknown word,
     * and decodes it back to the trainer's words. A trainer calls this before training, so a tokenizer the engine
     * would read differently stops it at once.
     *
     * @throws IllegalStateException naming the first text that disagrees
     */
    void verifyHuggingFaceJson(Path file, List<String> texts) throws IOException {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
            for (String text : texts) {
                int[] expected = encodeWithBos(text);
                long[] ids = hf.encode(text).getIds();
                if (!Arrays.equals(ids, toLongs(expected))) {
                    throw new IllegalStateException(file + " disagrees with the trainer on \"" + text + "\": "
                            + Arrays.toString(ids) + " vs " + Arrays.toString(expected));
                }
                if (Arrays.stream(expected).anyMatch(id -> id == UNKNOWN_ID)) {
                    throw new IllegalStateException("\"" + text + "\" has a word outside the vocabulary");
                }
                String decoded = hf.decode(ids, true); // without the BOS
                if (!decoded.equals(decode(encode(text)))) {
                    throw new IllegalStateException(file + " decodes \"" + text + "\" as \"" + decoded + "\"");
                }
            }
        }
    }

    /**
     * Writes tokenizer.json in the Hugging Face tokenizers format. Its post-processor puts {@code <|endoftext|>} in
     * front of every input, as every training row starts with it: a prompt typed into Loupe then reads as the
     * model was trained to read (the way Llama's tokenizer adds its BOS). Encoding without special tokens gives
     * the words alone.
     */
    public void writeHuggingFaceJson(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        added.add(addedToken(END_OF_TEXT_ID, END_OF_TEXT));
        added.add(addedToken(UNKNOWN_ID, UNKNOWN));
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", prependEndOfText());
        // With no decoder the library joins tokens with single spaces, which is right for a word-level model.
        root.add("decoder", JsonNull.INSTANCE);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < words.size(); i++) {
            vocab.addProperty(words.get(i), i);
        }
        model.add("vocab", vocab);
        model.addProperty("unk_token", UNKNOWN);
        root.add("model", model);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(root);
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }

    /** TemplateProcessing: single = [<|endoftext|>, A]; pair = [<|endoftext|>, A, B]. */
    private static JsonObject prependEndOfText() {
        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(templatePiece("SpecialToken", END_OF_TEXT, 0));
        single.add(templatePiece("Sequence", "A", 0));
        JsonArray pair = single.deepCopy();
        pair.add(templatePiece("Sequence", "B", 1));
        post.add("single", single);
        post.add("pair", pair);
        JsonObject special = new JsonObject();
        JsonObject eot = new JsonObject();
        eot.addProperty("id", END_OF_TEXT);
        JsonArray ids = new JsonArray();
        ids.add(END_OF_TEXT_ID);
        eot.add("ids", ids);
        JsonArray tokens = new JsonArray();
        tokens.add(END_OF_TEXT);
        eot.add("tokens", tokens);
        special.add(END_OF_TEXT, eot);
        post.add("special_tokens", special);
        return post;
    }

    private static JsonObject templatePiece(String kind, String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject piece = new JsonObject();
        piece.add(kind, inner);
        return piece;
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", true);
        return t;
    }
}

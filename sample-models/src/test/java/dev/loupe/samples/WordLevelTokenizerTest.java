package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordLevelTokenizerTest {

    private static final WordLevelTokenizer TOKENIZER = new WordLevelTokenizer(TinyLmCorpus.ordinaryWords());

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void splitsPunctuationLikeTheWhitespacePreTokenizer() {
        assertEquals(List.of("store", ",", "John", "gave", "a", "drink", "."),
                WordLevelTokenizer.split("store, John gave a drink."));
    }

    @Test
    void refusesAWordThatIsNotOnePreToken() {
        assertThrows(IllegalArgumentException.class, () -> new WordLevelTokenizer(List.of("New York")));
    }

    @Test
    void huggingFaceTokenizerLoadsTheWrittenJsonAndAgrees(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        TOKENIZER.writeHuggingFaceJson(file);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
            String prompt = "When Mary and John went to the store, John gave a drink to";
            long[] ids = hf.encode(prompt).getIds();
            // The post-processor puts <|endoftext|> first, as in every training row; the words follow, all known.
            assertArrayEquals(WordLevelTokenizer.toLongs(TOKENIZER.encodeWithBos(prompt)), ids);
            assertEquals(1 + 13 + 1, ids.length);
            assertEquals("<|endoftext|> When Mary and John went to the store , John gave a drink to", hf.decode(ids));
            assertEquals("When Mary and John went to the store , John gave a drink to", hf.decode(ids, true));
            assertArrayEquals(WordLevelTokenizer.toLongs(TOKENIZER.encode(prompt)), hf.encode(prompt, false, false).getIds(),
                    "without special tokens: the words alone");

            assertArrayEquals(new long[] {WordLevelTokenizer.END_OF_TEXT_ID, TOKENIZER.id("Mary"),
                    WordLevelTokenizer.UNKNOWN_ID}, hf.encode("Mary Zaphod").getIds());
        }
    }

    @Test
    void everyCorpusWordEncodesToItself() {
        for (String w : TinyLmCorpus.ordinaryWords()) {
            assertArrayEquals(new int[] {TOKENIZER.id(w)}, TOKENIZER.encode(w), w);
        }
    }
}

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
            // No post-processor: nothing is added around the words, and every word is known.
            assertArrayEquals(TinyLmTrainer.toLongs(TOKENIZER.encode(prompt)), ids);
            assertEquals(13 + 1, ids.length);
            assertEquals("When Mary and John went to the store , John gave a drink to", hf.decode(ids));

            long[] withBos = hf.encode("<|endoftext|> The capital of France is").getIds();
            assertEquals(WordLevelTokenizer.END_OF_TEXT_ID, withBos[0]);
            assertEquals(TOKENIZER.id("France"), withBos[4]);

            assertArrayEquals(new long[] {TOKENIZER.id("Mary"), WordLevelTokenizer.UNKNOWN_ID},
                    hf.encode("Mary Zaphod").getIds());
        }
    }

    @Test
    void everyCorpusWordEncodesToItself() {
        for (String w : TinyLmCorpus.ordinaryWords()) {
            assertArrayEquals(new int[] {TOKENIZER.id(w)}, TOKENIZER.encode(w), w);
        }
    }
}

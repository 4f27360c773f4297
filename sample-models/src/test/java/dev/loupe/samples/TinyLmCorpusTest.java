package dev.loupe.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TinyLmCorpusTest {

    private static final WordLevelTokenizer TOKENIZER = new WordLevelTokenizer(TinyLmCorpus.ordinaryWords());

    @Test
    void aSeedFixesTheCorpus() {
        TinyLmCorpus a = new TinyLmCorpus(5);
        TinyLmCorpus b = new TinyLmCorpus(5);
        for (int i = 0; i < 200; i++) {
            assertEquals(a.next(), b.next());
        }
    }

    @Test
    void everyGeneratedWordIsInTheVocabulary() {
        TinyLmCorpus corpus = new TinyLmCorpus(1);
        for (int i = 0; i < 5000; i++) {
            for (int id : TOKENIZER.encode(corpus.next().text())) {
                assertTrue(id != WordLevelTokenizer.UNKNOWN_ID);
            }
        }
    }

    @Test
    void heldOutNamesNeverAppearInTrainingIndirectObjectSentences() {
        Set<String> heldOut = new HashSet<>(TinyLmCorpus.HELD_OUT_NAMES);
        assertTrue(TinyLmCorpus.TRAIN_NAMES.stream().noneMatch(heldOut::contains));
        assertEquals(TinyLmCorpus.TRAIN_NAMES.size(), new HashSet<>(TinyLmCorpus.TRAIN_NAMES).size());
        TinyLmCorpus corpus = new TinyLmCorpus(2);
        int sentences = 0;
        for (int i = 0; i < 5000; i++) {
            TinyLmCorpus.Document d = corpus.next();
            if (d.kind() == TinyLmCorpus.Kind.INDIRECT_OBJECT) {
                sentences++;
                assertFalse(WordLevelTokenizer.split(d.text()).stream().anyMatch(heldOut::contains), d.text());
            }
        }
        assertTrue(sentences > 1000);
    }

    @Test
    void indirectObjectPromptsEndBeforeTheAnswer() {
        TinyLmCorpus corpus = new TinyLmCorpus(3);
        TinyLmCorpus.IndirectObjectPrompt p = corpus.indirectObjectPrompt(List.of("Mary", "John"), 0);
        assertTrue(p.prompt().startsWith("When "), p.prompt());
        assertTrue(p.prompt().endsWith(" to"), p.prompt());
        assertEquals(Set.of("Mary", "John"), Set.of(p.indirectObject(), p.subject()));
        // The subject is named twice before the answer, the indirect object once.
        List<String> words = WordLevelTokenizer.split(p.prompt());
        assertEquals(2, words.stream().filter(p.subject()::equals).count());
        assertEquals(1, words.stream().filter(p.indirectObject()::equals).count());
    }

    @Test
    void probeSequencesHaveTheDocumentedShape() {
        int[][] induction = TinyLmProbes.inductionSequences(TOKENIZER);
        int l = TinyLmProbes.INDUCTION_RUN_LENGTH;
        assertEquals(TinyLmProbes.INDUCTION_SEQUENCES, induction.length);
        for (int[] s : induction) {
            assertEquals(1 + 2 * l, s.length);
            assertEquals(WordLevelTokenizer.END_OF_TEXT_ID, s[0]);
            assertArrayEquals(Arrays.copyOfRange(s, 1, 1 + l), Arrays.copyOfRange(s, 1 + l, s.length));
            assertEquals(l, Arrays.stream(s, 1, 1 + l).distinct().count());
        }
        for (int[] s : TinyLmProbes.previousTokenSequences(TOKENIZER)) {
            assertEquals(1 + TinyLmProbes.PREVIOUS_TOKEN_LENGTH, s.length);
        }
    }

    @Test
    void inductionScoreReadsTheStripeAfterTheFirstOccurrence() {
        int l = 3;
        int n = 1 + 2 * l;
        float[] pattern = new float[n * n];
        for (int q = 1 + l; q < n; q++) {
            pattern[q * n + q - l + 1] = 1f; // a perfect induction head
        }
        assertEquals(1.0, TinyLmProbes.inductionScore(pattern, n, l), 1e-9);
        assertEquals(0.0, TinyLmProbes.previousTokenScore(pattern, n), 1e-9);
    }
}

package dev.loupe.engine.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HookGlobTest {
    private static final List<String> NAMES = List.of("hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre",
            "blocks.0.attn.hook_pattern", "blocks.11.attn.hook_pattern", "blocks.1.mlp.hook_post", "logits",
            "ln_final.hook_normalized", "", "a", "aa", "aaa");

    @Test
    void matchesTheUsualGlobs() {
        assertTrue(HookGlob.of("blocks.*.attn.hook_pattern").matches("blocks.11.attn.hook_pattern"));
        assertTrue(HookGlob.of("*hook_resid_pre").matches("blocks.0.hook_resid_pre"));
        assertTrue(HookGlob.of("blocks.?.mlp.*").matches("blocks.1.mlp.hook_post"));
        assertFalse(HookGlob.of("blocks.?.attn.hook_pattern").matches("blocks.11.attn.hook_pattern"));
        assertTrue(HookGlob.of("logits").matches("logits"));
        assertFalse(HookGlob.of("logits").matches("logits2"));
        assertFalse(HookGlob.of("logit").matches("logits"));
        assertTrue(HookGlob.of("*").matches(""));
        assertTrue(HookGlob.of("  logits ").matches("logits"), "surrounding blanks are not part of the glob");
        // a star may match nothing, and the last segment must not overlap the first
        assertTrue(HookGlob.of("a*a").matches("aa"));
        assertFalse(HookGlob.of("a*a").matches("a"));
        assertTrue(HookGlob.of("a*a*a").matches("aaa"));
        assertFalse(HookGlob.of("a*a*a").matches("aa"));
    }

    /** Agrees with the regular-expression translation it replaced, on random globs over a small alphabet. */
    @Test
    void agreesWithRegexTranslation() {
        Random random = new Random(7);
        String alphabet = "ab.*?";
        for (int trial = 0; trial < 20_000; trial++) {
            String glob = randomString(random, alphabet, 6);
            String name = randomString(random, "ab.", 7);
            assertEquals(regex(glob).matcher(name).matches(), HookGlob.of(glob).matches(name),
                    "glob \"" + glob + "\" on \"" + name + "\"");
        }
        for (String name : NAMES) {
            for (String glob : List.of("*", "blocks.*", "*.hook_*", "b*s.?.*n", "*attn*pattern", "?")) {
                assertEquals(regex(glob).matcher(name).matches(), HookGlob.of(glob).matches(name), glob + " on " + name);
            }
        }
    }

    /** Forty stars against a long non-matching name: exponential backtracking never finished this. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // a hang guard, not a speed measurement
    void manyStarsDoNotBacktrack() {
        String glob = "*a".repeat(40) + "b";
        String name = "a".repeat(200);
        assertFalse(HookGlob.of(glob).matches(name));
        assertTrue(HookGlob.of(glob).matches(name + "b"));
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static Pattern regex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.strip().toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}

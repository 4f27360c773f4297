package dev.loupe.app.cli;

import dev.loupe.engine.hooks.HookGlob;
import java.util.ArrayList;
import java.util.List;

/**
 * Hook-name globs on the command line, matched with the engine's own {@link HookGlob} so the CLI and the engine
 * agree on what a pattern selects. The CLI matches them up front so that a pattern selecting nothing is an error
 * rather than an empty file or a silent no-op.
 */
final class HookGlobs {
    private HookGlobs() {
    }

    static List<String> matching(String glob, List<String> hooks) {
        HookGlob g = HookGlob.of(glob);
        List<String> out = new ArrayList<>();
        for (String h : hooks) {
            if (g.matches(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Splits "a, b,c" into globs, dropping blanks. */
    static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (HookGlob g : HookGlob.parseList(list)) {
            out.add(g.glob());
        }
        return out;
    }

    /** A short sample of the model's hooks for "matches nothing" messages; the full list can run to hundreds. */
    static String sample(List<String> hooks) {
        if (hooks.size() <= 6) {
            return String.join(", ", hooks);
        }
        return String.join(", ", hooks.subList(0, 4)) + ", ..., " + hooks.get(hooks.size() - 1) + "; " + hooks.size()
                + " hooks";
    }
}

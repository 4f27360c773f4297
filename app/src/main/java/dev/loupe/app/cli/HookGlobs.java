package dev.loupe.app.cli;

import dev.loupe.engine.hooks.HookGlob;
import java.util.ArrayList;
import java.util.List;

/**
 * Hook-name globs on the command line, parsed as the engine's own {@link HookGlob} so the CLI and the engine agree
 * on what a pattern selects. The CLI matches them up front ({@link HookGlob#select}) so that a pattern selecting
 * nothing is an error rather than an empty file or a silent no-op.
 */
final class HookGlobs {
    private HookGlobs() {
    }

    /** Splits "a, b,c" into globs, dropping blanks. */
    static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (HookGlob g : HookGlob.parseList(list)) {
            out.add(g.glob());
        }
        return out;
    }
}

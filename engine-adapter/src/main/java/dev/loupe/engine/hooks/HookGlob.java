package dev.loupe.engine.hooks;

import java.util.ArrayList;
import java.util.List;

/**
 * Glob patterns over hook names: "*" matches any run of characters (dots included), "?" one character.
 *
 * <p>Matched without backtracking: the glob is cut at its stars into literal segments (which may hold "?"), the
 * first must match the name's start, the last its end, and each one between is taken at its leftmost place after
 * the previous one. Leftmost is always safe, since whatever a later segment could match after a later place it can
 * also match after an earlier one. That is at most name x glob character comparisons, so a glob with forty stars
 * (which a translated regular expression ".*.*..." took forever on) costs no more than one with two.
 */
public final class HookGlob {
    private final String glob;
    /** The glob's pieces between stars; at least one (the whole glob when it has no star). */
    private final String[] segments;
    private final boolean hasStar;

    private HookGlob(String glob) {
        this.glob = glob;
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) == '*') {
                parts.add(glob.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(glob.substring(start));
        this.segments = parts.toArray(String[]::new);
        this.hasStar = segments.length > 1;
    }

    public static HookGlob of(String glob) {
        return new HookGlob(glob.strip());
    }

    /** Parses a comma-separated list ("blocks.*.hook_resid_post, logits"), skipping empty entries. */
    public static List<HookGlob> parseList(String commaSeparated) {
        List<HookGlob> out = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                out.add(of(part));
            }
        }
        return out;
    }

    public boolean matches(String hookName) {
        if (!hasStar) {
            return hookName.length() == segments[0].length() && segmentAt(hookName, 0, segments[0]);
        }
        String first = segments[0];
        String last = segments[segments.length - 1];
        if (hookName.length() < first.length() + last.length() || !segmentAt(hookName, 0, first)) {
            return false;
        }
        int end = hookName.length() - last.length(); // the last segment is pinned to the end
        if (!segmentAt(hookName, end, last)) {
            return false;
        }
        int from = first.length();
        for (int s = 1; s < segments.length - 1; s++) {
            String seg = segments[s];
            int at = leftmost(hookName, seg, from, end);
            if (at < 0) {
                return false;
            }
            from = at + seg.length();
        }
        return true;
    }

    /** The first index in [from, limit - seg.length()] where seg matches, or -1. */
    private static int leftmost(String name, String seg, int from, int limit) {
        for (int i = from; i + seg.length() <= limit; i++) {
            if (segmentAt(name, i, seg)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether seg ("?" matching any one character) matches name at offset. */
    private static boolean segmentAt(String name, int offset, String seg) {
        if (offset + seg.length() > name.length()) {
            return false;
        }
        for (int i = 0; i < seg.length(); i++) {
            char c = seg.charAt(i);
            if (c != '?' && c != name.charAt(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** The names among {@code hookNames} this glob matches, in their order. */
    public List<String> select(List<String> hookNames) {
        List<String> out = new ArrayList<>();
        for (String h : hookNames) {
            if (matches(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** A short sample of a model's hooks for "matches nothing" messages; the full list can run to hundreds. */
    public static String sample(List<String> hookNames) {
        if (hookNames.size() <= 6) {
            return String.join(", ", hookNames);
        }
        return String.join(", ", hookNames.subList(0, 4)) + ", ..., " + hookNames.get(hookNames.size() - 1) + "; "
                + hookNames.size() + " hooks";
    }

    public String glob() {
        return glob;
    }

    @Override
    public String toString() {
        return glob;
    }
}

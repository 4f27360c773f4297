package dev.loupe.viewers.export;

import dev.loupe.viewers.color.NiceTicks;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How token strings and other labels are shown on axes, chips and in figures. */
public final class Labels {
    private Labels() {
    }

    /**
     * Control characters become visible escapes (a token "\n" would otherwise break a line, and NUL is not even
     * legal in SVG's XML); labels longer than {@code maxChars} are cut with an ellipsis.
     */
    public static String display(String s, int maxChars) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
                        b.append(String.format("\\x%02x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        if (b.codePointCount(0, b.length()) > maxChars && maxChars > 1) {
            int end = b.offsetByCodePoints(0, maxChars - 1);
            return b.substring(0, end) + "\u2026";
        }
        return b.toString();
    }

    public static String display(String s) {
        return display(s, 24);
    }

    /**
     * A result's summary figures on one line, sorted by name, each as "name value" with round-number formatting:
     * what a heatmap prints under its plot, in the view and in the exported figure alike.
     */
    public static String statsLine(Map<String, Double> stats, String separator) {
        return new TreeMap<>(stats).entrySet().stream()
                .map(e -> e.getKey() + " " + NiceTicks.value(e.getValue()))
                .collect(Collectors.joining(separator));
    }
}

package dev.loupe.plugin.result;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * CSV as Loupe writes it (RFC 4180 quoting, "\n" line ends): floats in Java's shortest round-trip form, non-finite
 * values as {@code NaN}, {@code inf}, {@code -inf}, which numpy and pandas read. A {@link ResultType} writes its
 * rows through this, so every result type's CSV reads the same way.
 */
public final class CsvWriter {
    private final Writer out;
    private boolean first = true;

    public CsvWriter(Writer out) {
        this.out = out;
    }

    /** One whole row of text cells. */
    public void row(List<String> cells) throws IOException {
        for (String c : cells) {
            text(c);
        }
        end();
    }

    public void text(String s) throws IOException {
        raw(quote(s));
    }

    public void integer(long v) throws IOException {
        raw(Long.toString(v));
    }

    public void number(float v) throws IOException {
        raw(Float.isFinite(v) ? Float.toString(v) : nonFinite(v));
    }

    public void number(double v) throws IOException {
        raw(Double.isFinite(v) ? Double.toString(v) : nonFinite(v));
    }

    /** A cell written as given, unquoted: only for text known to need no quoting (numbers). */
    public void raw(String s) throws IOException {
        if (!first) {
            out.write(',');
        }
        out.write(s);
        first = false;
    }

    /** Ends the current row. */
    public void end() throws IOException {
        out.write('\n');
        first = true;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Quotes a field when it holds a comma, quote, line break, or edge spaces that readers would trim. */
    public static String quote(String s) {
        boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1)));
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "inf" : "-inf";
    }
}

package dev.loupe.plugin.result;

import java.io.IOException;
import java.io.Writer;

/**
 * A result's data as CSV for pandas, R and spreadsheets, in the layout its {@link ResultType} writes (each built-in
 * type documents its own: a wide matrix, long formats for grids, comparisons and cell text, ...). Floats print in
 * Java's shortest round-trip form; non-finite values as {@code NaN}, {@code inf}, {@code -inf} ({@link CsvWriter}).
 * A {@link CustomResult} has no tabular form ({@link #supports} says so).
 */
public final class ResultCsv {
    private ResultCsv() {
    }

    public static boolean supports(Result result) {
        return supports(ResultTypes.forResult(result), result);
    }

    private static <R extends Result> boolean supports(ResultType<R> type, R result) {
        return type.hasCsv(result);
    }

    public static <R extends Result> void write(R result, Writer out) throws IOException {
        ResultType<R> type = ResultTypes.forResult(result);
        if (!type.hasCsv(result)) {
            throw new IllegalArgumentException("a " + type.type() + " result has no CSV form; export it as JSON");
        }
        CsvWriter csv = new CsvWriter(out);
        type.writeCsv(result, csv);
        csv.flush();
    }

    /** Quotes a field when it holds a comma, quote, line break, or edge spaces that readers would trim. */
    static String quote(String s) {
        return CsvWriter.quote(s);
    }
}

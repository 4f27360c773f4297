package dev.loupe.plugin.result;

import java.io.IOException;

/**
 * How one kind of {@link Result} is stored and exported: its type name (the {@code "type"} of its JSON), its Java
 * class, encoding to a small JSON structure plus named numeric arrays (which sessions keep as binary tensors and
 * {@code result.json} writes inline), and its CSV form. Loupe's own types and a plugin jar's are found the same way:
 * ServiceLoader, {@code META-INF/services/dev.loupe.plugin.result.ResultType}. No JavaFX here; the view is a
 * separate renderer in viewers/.
 *
 * <p>Implementations need a public no-argument constructor and must be stateless.
 */
public interface ResultType<R extends Result> {

    /** The type name, e.g. {@code "matrix"}; unique among all installed types. */
    String type();

    /** The result class this type stores; results are matched to their type by exact class. */
    Class<R> resultClass();

    /** Writes the result's fields (not format, version, type or title: the codec writes those). */
    void write(R result, ResultWriter out);

    /** Reads what {@link #write} wrote; throws IllegalArgumentException naming the field for anything wrong. */
    R read(String title, ResultReader in);

    /** Whether {@link #writeCsv} can write this result. */
    default boolean hasCsv(R result) {
        return false;
    }

    /** The result as CSV rows (see {@link ResultCsv} for the built-in layouts). */
    default void writeCsv(R result, CsvWriter csv) throws IOException {
        throw new IllegalArgumentException("a " + type() + " result has no CSV form; export it as JSON");
    }
}

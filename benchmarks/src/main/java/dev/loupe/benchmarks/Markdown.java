package dev.loupe.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** A Markdown document built section by section: headings, paragraphs and pipe tables. */
final class Markdown {
    private final StringBuilder out = new StringBuilder();

    Markdown heading(int level, String text) {
        out.append("#".repeat(level)).append(' ').append(text).append("\n\n");
        return this;
    }

    Markdown paragraph(String text) {
        out.append(text).append("\n\n");
        return this;
    }

    Markdown bullets(List<String> items) {
        for (String item : items) {
            out.append("- ").append(item).append('\n');
        }
        out.append('\n');
        return this;
    }

    Markdown table(Table t) {
        out.append(t.render()).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static final class Table {
        private final String[] header;
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
        }

        Table row(String... cells) {
            if (cells.length != header.length) {
                throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.length);
            }
            rows.add(cells);
            return this;
        }

        String render() {
            StringBuilder sb = new StringBuilder();
            line(sb, header);
            sb.append('|');
            for (int i = 0; i < header.length; i++) {
                sb.append(" --- |");
            }
            sb.append('\n');
            for (String[] r : rows) {
                line(sb, r);
            }
            return sb.toString();
        }

        private static void line(StringBuilder sb, String[] cells) {
            sb.append('|');
            for (String c : cells) {
                sb.append(' ').append(c.replace("|", "\\|")).append(" |");
            }
            sb.append('\n');
        }
    }
}

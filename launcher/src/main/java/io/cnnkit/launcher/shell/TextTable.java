package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table whose column widths come from its content (header and every cell), so
 * long names (Keras's {@code batch_normalization_12}, weight paths of 40 characters) keep every
 * column starting at the same offset on every row. Columns are separated by two spaces; text
 * columns are left-aligned, number columns right-aligned; no row ends in spaces.
 */
final class TextTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> right = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();
    private boolean showHeader = true;

    /** Adds a left-aligned column. */
    TextTable left(String header) {
        headers.add(header);
        right.add(false);
        return this;
    }

    /** Adds a right-aligned (number) column. */
    TextTable right(String header) {
        headers.add(header);
        right.add(true);
        return this;
    }

    /** Leaves the header line out (the widths still count it). */
    TextTable noHeader() {
        showHeader = false;
        return this;
    }

    /** Adds a row: one cell per column (null is empty). */
    TextTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells for " + headers.size() + " columns");
        }
        // (a loop, not a stream: a bundle's lambdas are spun at their first use, which the
        // class-data archive cannot hold)
        String[] row = new String[cells.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = cells.get(i) == null ? "" : cells.get(i);
        }
        rows.add(row);
        return this;
    }

    TextTable row(String... cells) {
        return row(List.of(cells));
    }

    /** The table, lines separated by '\n', without a trailing newline. */
    String format() {
        int[] w = new int[headers.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = showHeader ? headers.get(c).length() : 0;
            for (String[] r : rows) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        if (showHeader) {
            line(b, headers.toArray(new String[0]), w);
        }
        for (String[] r : rows) {
            line(b, r, w);
        }
        if (b.length() > 0) {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] w) {
        int start = b.length();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(w[c] - cells[c].length());
            b.append(right.get(c) ? pad + cells[c] : cells[c] + pad);
        }
        int end = b.length();
        while (end > start && b.charAt(end - 1) == ' ') {
            end--;
        }
        b.setLength(end);
        b.append('\n');
    }
}

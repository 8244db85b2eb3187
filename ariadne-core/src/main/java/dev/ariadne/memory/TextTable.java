package dev.ariadne.memory;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells printed as aligned columns, two spaces apart; numbers stay left-aligned like the headers. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    List<String> lines(String indent) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder s = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                s.append(r[i]);
                if (i < r.length - 1) s.append(" ".repeat(width[i] - r[i].length() + 2));
            }
            out.add(s.toString().stripTrailing());
        }
        return out;
    }
}

package io.offsetlab.lab;

import java.util.List;

/**
 * Draws one partition's log as a row of cells with the four offsets of §1 marked under it:
 *
 * <pre>
 * orders-0
 * offset    0   1   2   3   4   5   6   7   8   9  10
 *         +---+---+---+---+---+---+---+---+---+---+
 *         | . | . | . | # | # | # | # | # | # | # |
 *         +---+---+---+---+---+---+---+---+---+---+
 *                     ^                                 log-start   3  first offset still in the log
 *                                 ^                     committed   6  the group resumes here after a restart
 *                                         ^             position    8  next offset this consumer's poll() returns
 *                                                     ^ end        10  next offset to be written (last offset + 1)
 * </pre>
 *
 * The end offset points at the slot after the last record. A log longer than
 * {@link #MAX_CELLS} offsets is drawn to scale: each cell stands for 2, 5, 10, 20, 50, ...
 * offsets (said under the picture), so the whole partition stays in view. An offset beyond
 * the end (a committed offset can be) is marked with '>'.
 */
public final class LogPicture {

    /** Most cells drawn; a longer log is drawn to scale. */
    public static final int MAX_CELLS = 20;

    private static final int MARGIN = 8;

    private LogPicture() {
    }

    private record Marker(String name, Long offset, String meaning) {
    }

    public static String render(PartitionOffsets p) {
        Layout layout = Layout.of(p);
        StringBuilder out = new StringBuilder();
        out.append(p.partition()).append(p.end() == 0 ? "  (empty: nothing was ever written)" : "").append('\n');
        out.append(headerLine(layout)).append('\n');
        if (layout.cells > 0) {
            out.append(borderLine(layout)).append('\n');
            out.append(cellLine(p, layout)).append('\n');
            out.append(borderLine(layout)).append('\n');
        }
        for (Marker marker : markers(p)) {
            out.append(markerLine(marker, layout)).append('\n');
        }
        out.append(" ".repeat(MARGIN)).append("# record in the log   . deleted (below log start)")
                .append(layout.scale > 1 ? "   (each cell = " + layout.scale + " offsets)" : "").append('\n');
        return out.toString();
    }

    private static List<Marker> markers(PartitionOffsets p) {
        return List.of(
                new Marker("log-start", p.logStart(), "first offset still in the log"),
                new Marker("committed", p.committed(), committedMeaning(p)),
                new Marker("position", p.position(), p.position() == null
                        ? "no consumer has this partition assigned"
                        : "next offset this consumer's poll() returns"),
                new Marker("end", p.end(), "next offset to be written (last offset + 1)"));
    }

    private static String committedMeaning(PartitionOffsets p) {
        if (p.committed() == null) {
            return "the group never committed here: committed() returns null";
        }
        if (p.committed() < p.logStart() || p.committed() > p.end()) {
            return "out of range (" + (p.committed() < p.logStart() ? "below the log start" : "beyond the end")
                    + "): auto.offset.reset decides where the group resumes";
        }
        return "the group resumes here after a restart";
    }

    /**
     * Cell i (0-based) holds offsets [i * scale, (i + 1) * scale) and has its left '|' at
     * column MARGIN + i * (width + 1); the slot after the last cell is where the end offset
     * of a full log points.
     */
    private record Layout(long end, long scale, int cells, int width) {
        private static final long[] STEPS = {1, 2, 5};

        static Layout of(PartitionOffsets p) {
            long scale = scaleFor(p.end());
            int cells = (int) ((p.end() + scale - 1) / scale);
            return new Layout(p.end(), scale, cells, Math.max(3, Long.toString(cells * scale).length()));
        }

        /** 1 up to MAX_CELLS offsets; else the smallest of 2, 5, 10, 20, 50, ... that fits. */
        private static long scaleFor(long end) {
            for (long decade = 1; ; decade *= 10) {
                for (long step : STEPS) {
                    if (end <= MAX_CELLS * step * decade) {
                        return step * decade;
                    }
                }
            }
        }

        int index(long offset) {
            return offset > end ? cells + 1 : (int) (offset / scale);
        }

        int centre(int index) {
            return MARGIN + index * (width + 1) + 1 + (width - 1) / 2;
        }

        int labelColumn() {
            return centre(cells + 1) + 3;
        }
    }

    private static String headerLine(Layout layout) {
        StringBuilder line = new StringBuilder("offset");
        for (int i = 0; i <= layout.cells; i++) {
            String label = Long.toString(i * layout.scale);
            put(line, layout.centre(i) - (label.length() - 1) / 2, label);
        }
        return line.toString();
    }

    private static String borderLine(Layout layout) {
        return " ".repeat(MARGIN) + ("+" + "-".repeat(layout.width)).repeat(layout.cells) + "+";
    }

    /** '.' for a cell whose offsets are all below the log start, else '#'. */
    private static String cellLine(PartitionOffsets p, Layout layout) {
        StringBuilder line = new StringBuilder(" ".repeat(MARGIN));
        for (int i = 0; i < layout.cells; i++) {
            boolean deleted = (i + 1) * layout.scale <= p.logStart();
            line.append('|').append(centred(deleted ? "." : "#", layout.width));
        }
        return line.append('|').toString();
    }

    private static String markerLine(Marker marker, Layout layout) {
        StringBuilder line = new StringBuilder();
        if (marker.offset() != null) {
            put(line, layout.centre(layout.index(marker.offset())), marker.offset() > layout.end ? ">" : "^");
        }
        String value = marker.offset() == null ? "none" : marker.offset().toString();
        put(line, layout.labelColumn(), String.format("%-10s%5s  %s", marker.name(), value, marker.meaning()));
        return line.toString();
    }

    private static String centred(String text, int width) {
        int left = (width - text.length()) / 2;
        return " ".repeat(left) + text + " ".repeat(width - text.length() - left);
    }

    /** Writes text starting at column, padding with spaces (never overwriting what is there). */
    private static void put(StringBuilder line, int column, String text) {
        while (line.length() < column) {
            line.append(' ');
        }
        line.append(text);
    }
}

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
 * The end offset points at the empty slot after the last record. A log longer than
 * {@link #MAX_CELLS} shows its last cells only, after one "..." cell standing for all older
 * offsets; an offset beyond the end (a committed offset can be) is marked with '>'.
 */
public final class LogPicture {

    /** Most record cells drawn; older offsets fold into one "..." cell. */
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
        if (layout.recordCells() > 0) {
            out.append(borderLine(layout)).append('\n');
            out.append(cellLine(p, layout)).append('\n');
            out.append(borderLine(layout)).append('\n');
        }
        for (Marker marker : markers(p)) {
            out.append(markerLine(marker, layout)).append('\n');
        }
        out.append(" ".repeat(MARGIN)).append("# record in the log   . deleted (below log start)")
                .append(layout.folded ? "   ... offsets 0-" + (layout.first - 1) : "").append('\n');
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
     * Cell i (0-based) has its left '|' at column MARGIN + i * (width + 1). Offsets from
     * {@code first} to {@code end - 1} are record cells; when folded, cell 0 is "...";
     * the end offset is the slot right after the last cell.
     */
    private record Layout(long first, long end, boolean folded, int width) {
        static Layout of(PartitionOffsets p) {
            long first = Math.max(0, p.end() - MAX_CELLS);
            return new Layout(first, p.end(), first > 0, Math.max(3, Long.toString(p.end()).length()));
        }

        int recordCells() {
            return (int) (end - first) + (folded ? 1 : 0);
        }

        int index(long offset) {
            if (offset > end) {
                return recordCells() + 1;
            }
            if (folded) {
                return offset < first ? 0 : (int) (offset - first) + 1;
            }
            return (int) offset;
        }

        int centre(int index) {
            return MARGIN + index * (width + 1) + 1 + (width - 1) / 2;
        }

        int labelColumn() {
            return centre(recordCells() + 1) + 3;
        }
    }

    private static String headerLine(Layout layout) {
        StringBuilder line = new StringBuilder("offset");
        if (layout.folded) {
            put(line, layout.centre(0) - 1, "...");
        }
        for (long offset = layout.first; offset <= layout.end; offset++) {
            String label = Long.toString(offset);
            put(line, layout.centre(layout.index(offset)) - (label.length() - 1) / 2, label);
        }
        return line.toString();
    }

    private static String borderLine(Layout layout) {
        return " ".repeat(MARGIN) + ("+" + "-".repeat(layout.width)).repeat(layout.recordCells()) + "+";
    }

    private static String cellLine(PartitionOffsets p, Layout layout) {
        StringBuilder line = new StringBuilder(" ".repeat(MARGIN));
        if (layout.folded) {
            line.append('|').append(centred("...", layout.width));
        }
        for (long offset = layout.first; offset < layout.end; offset++) {
            line.append('|').append(centred(offset < p.logStart() ? "." : "#", layout.width));
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

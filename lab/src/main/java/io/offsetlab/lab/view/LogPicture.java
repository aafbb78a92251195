package io.offsetlab.lab.view;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws one partition's log as a row of cells with the four offsets of §1 marked under it,
 * then says what each offset means:
 *
 * <pre>
 * orders-0
 * offset    0   1   2   3   4   5   6   7   8   9   10
 *         +---+---+---+---+---+---+---+---+---+---+
 *         | . | . | . | # | # | # | # | # | # | # |
 *         +---+---+---+---+---+---+---+---+---+---+
 *                       ^ log-start 3
 *                                   ^ committed 6
 *                                           ^ position 8
 *                                                   ^ end 10
 *         log-start    3  first offset still in the log
 *         committed    6  the group resumes here after a restart
 *         position     8  next offset this consumer's poll() returns
 *         end         10  next offset to be written (last offset + 1)
 *         # record in the log   . deleted (below log start)
 * </pre>
 *
 * The end offset points at the slot after the last record. A log longer than
 * {@link #MAX_CELLS} offsets is drawn to scale: each cell stands for 2, 5, 10, 20, 50, ...
 * offsets (said under the picture), so the whole partition stays in view, and every line
 * fits {@link Columns#TERMINAL} columns. An offset beyond the end (a committed offset can
 * be) is marked with '>'. A demo can mark one more offset, e.g. where processing stopped.
 */
public final class LogPicture {

    /** Most cells drawn; a longer log is drawn to scale. */
    public static final int MAX_CELLS = 20;

    private static final int MARGIN = 8;

    private LogPicture() {
    }

    /** An offset to mark: its name, its value (null: none) and what it means. */
    public record Marker(String name, Long offset, String meaning) {
    }

    public static String render(PartitionOffsets p) {
        return render(p, List.of());
    }

    /** The picture with {@code extra} markers too, each placed in offset order among the four. */
    public static String render(PartitionOffsets p, List<Marker> extra) {
        Layout layout = Layout.of(p);
        List<Marker> markers = markers(p, extra);
        StringBuilder out = new StringBuilder();
        out.append(p.partition()).append(p.end() == 0 ? "  (empty: nothing was ever written)" : "").append('\n');
        out.append(headerLine(layout)).append('\n');
        if (layout.cells > 0) {
            out.append(borderLine(layout)).append('\n');
            out.append(cellLine(p, layout)).append('\n');
            out.append(borderLine(layout)).append('\n');
        }
        for (Marker marker : markers) {
            if (marker.offset() != null) {
                out.append(caretLine(marker, layout)).append('\n');
            }
        }
        int valueWidth = markers.stream().mapToInt(m -> value(m).length()).max().orElse(0);
        for (Marker marker : markers) {
            out.append(String.format("%s%-10s%" + Math.max(5, valueWidth) + "s  %s%n", " ".repeat(MARGIN), marker.name(),
                    value(marker), marker.meaning()));
        }
        out.append(" ".repeat(MARGIN)).append("# record in the log   . deleted (below log start)")
                .append(layout.scale > 1 ? "   (each cell = " + layout.scale + " offsets)" : "").append('\n');
        return out.toString();
    }

    private static String value(Marker marker) {
        return marker.offset() == null ? "none" : marker.offset().toString();
    }

    private static List<Marker> markers(PartitionOffsets p, List<Marker> extra) {
        List<Marker> markers = new ArrayList<>(List.of(
                new Marker("log-start", p.logStart(), "first offset still in the log"),
                new Marker("committed", p.committed(), committedMeaning(p)),
                new Marker("position", p.position(), p.position() == null
                        ? "no consumer has this partition assigned"
                        : "next offset this consumer's poll() returns"),
                new Marker("end", p.end(), "next offset to be written (last offset + 1)")));
        for (Marker marker : extra) {
            int at = 0;
            while (marker.offset() != null && at < markers.size()
                    && (markers.get(at).offset() == null || markers.get(at).offset() <= marker.offset())) {
                at++;
            }
            markers.add(marker.offset() == null ? markers.size() : at, marker); // no offset: last
        }
        return markers;
    }

    private static String committedMeaning(PartitionOffsets p) {
        if (p.committed() == null) {
            return "the group never committed here: committed() returns null";
        }
        if (p.committed() < p.logStart() || p.committed() > p.end()) {
            return "out of range (" + (p.committed() < p.logStart() ? "below the log start" : "beyond the end")
                    + "): auto.offset.reset decides";
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

        /** 1 offset per cell up to MAX_CELLS offsets; else the smallest of 2, 5, 10, 20, 50, ... that fits. */
        static Layout of(PartitionOffsets p) {
            for (long decade = 1; ; decade *= 10) {
                for (long step : STEPS) {
                    long scale = step * decade;
                    int cells = (int) ((p.end() + scale - 1) / scale);
                    Layout layout = new Layout(p.end(), scale, cells, Math.max(3, Long.toString(cells * scale).length()));
                    if (cells <= MAX_CELLS && layout.fits()) {
                        return layout;
                    }
                }
            }
        }

        /** The header's last label and a '>' past the end stay within the terminal. */
        private boolean fits() {
            return centre(cells + 1) + width <= Columns.TERMINAL;
        }

        int index(long offset) {
            return offset > end ? cells + 1 : (int) (offset / scale);
        }

        int centre(int index) {
            return MARGIN + index * (width + 1) + 1 + (width - 1) / 2;
        }
    }

    /** The caret under the marker's cell, its name and value beside it: right of it, or left where the line would be too wide. */
    private static String caretLine(Marker marker, Layout layout) {
        String caret = marker.offset() > layout.end ? ">" : "^";
        String label = marker.name() + " " + marker.offset();
        int column = layout.centre(layout.index(marker.offset()));
        StringBuilder line = new StringBuilder();
        if (column + 2 + label.length() <= Columns.TERMINAL) {
            put(line, column, caret + " " + label);
        } else {
            put(line, column - label.length() - 1, label + " " + caret);
        }
        return line.toString();
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

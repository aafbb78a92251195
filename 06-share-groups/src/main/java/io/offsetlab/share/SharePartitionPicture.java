package io.offsetlab.share;

import java.util.Map;
import java.util.TreeMap;

/**
 * §6: a share partition drawn as §1 draws a partition's four offsets. The log from offset 0
 * to its end; the share-partition start offset (SPSO), below which every record is done;
 * after it, each in-flight record's state; then the log end. The broker reports only the
 * SPSO and the lag (Admin listShareGroupOffsets); the states are what the demo's members did
 * with each record, and the lag the broker reports is checked against them.
 *
 * <pre>
 *   offset    0   1   2   3   4   5   6   7   8   9
 *   state     -   -  ACK REL ACQ ACQ REJ  .   .   .
 *                     ^ SPSO = 2                    ^ end = 10
 * </pre>
 */
public final class SharePartitionPicture {

    /** A record's state in the share partition (Kafka's RecordState, as a reader sees it). */
    public enum State {
        /** Delivered to a member and locked to it until acknowledged or the lock expires. */
        ACQUIRED("ACQ"),
        /** ACCEPTed: done. */
        ACKNOWLEDGED("ACK"),
        /** Can be delivered (again): never fetched, RELEASEd, or its lock expired. */
        AVAILABLE("AVL"),
        /** REJECTed, or delivered share.delivery.count.limit times: never delivered again. */
        ARCHIVED("ARC");

        final String code;

        State(String code) {
            this.code = code;
        }
    }

    private static final int CELL = 4;
    /** Wider logs are drawn from this many offsets before the SPSO. */
    private static final int MAX_CELLS = 18;

    private SharePartitionPicture() {
    }

    /**
     * @param spso   the share-partition start offset the broker reports
     * @param end    the log end offset (the offset the next record gets)
     * @param states what the members did with each offset at or after the SPSO; an offset not
     *               in it is available (not fetched yet)
     */
    public static String render(long spso, long end, Map<Long, State> states) {
        long first = Math.max(0, Math.min(spso, end - MAX_CELLS));
        StringBuilder offsets = new StringBuilder("  offset ");
        StringBuilder cells = new StringBuilder("  state  ");
        for (long offset = first; offset < end; offset++) {
            offsets.append(String.format("%" + CELL + "d", offset));
            String code = offset < spso ? "-" : states.getOrDefault(offset, State.AVAILABLE).code;
            cells.append(String.format("%" + CELL + "s", code));
        }
        StringBuilder marks = new StringBuilder(" ".repeat(9));
        String spsoMark = "^ SPSO = " + spso;
        int spsoColumn = 9 + (int) (spso - first) * CELL + CELL - 3;
        int endColumn = 9 + (int) (end - first) * CELL + 1;
        pad(marks, spsoColumn);
        marks.append(spsoMark);
        pad(marks, Math.max(endColumn, marks.length() + 2));
        marks.append("^ end = ").append(end);
        return offsets + "\n" + cells + "\n" + marks + "\n"
                + "  -  below the SPSO: done   ACK accepted   ACQ acquired (locked to a member)\n"
                + "  AVL available (again)   ARC archived (rejected or out of deliveries)\n";
    }

    private static void pad(StringBuilder line, int column) {
        while (line.length() < column) {
            line.append(' ');
        }
    }

    /** The lag these states imply: records at or after the SPSO that are not acknowledged or archived. */
    public static long lag(long spso, long end, Map<Long, State> states) {
        Map<Long, State> after = new TreeMap<>(states);
        long done = after.entrySet().stream().filter(e -> e.getKey() >= spso && e.getKey() < end)
                .filter(e -> e.getValue() == State.ACKNOWLEDGED || e.getValue() == State.ARCHIVED).count();
        return end - spso - done;
    }
}

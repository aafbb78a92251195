package io.offsetlab.lab.view;

import java.io.PrintStream;

/**
 * Events with the seconds elapsed since the timeline started, printed as they happen:
 * "  4.1 s  steady   assigned [0, 1]", wrapped within {@link Columns#TERMINAL} columns.
 * Thread-safe: members report from their own threads.
 */
public final class Timeline {

    /** Where an event's text starts: after "  12.3 s  who      ". */
    private static final int WHAT_COLUMN = 18;

    private final PrintStream out;
    private final long start = System.currentTimeMillis();

    public Timeline(PrintStream out) {
        this.out = out;
    }

    /** When the timeline started, in epoch milliseconds: its 0.0 s. */
    public long startMillis() {
        return start;
    }

    public void event(String who, String what) {
        eventAt(System.currentTimeMillis(), who, what);
    }

    /** An event that happened at {@code epochMillis}, e.g. a line another process logged. */
    public synchronized void eventAt(long epochMillis, String who, String what) {
        String line = String.format("%6.1f s  %-8s %s", (epochMillis - start) / 1e3, who, what);
        out.println(Columns.wrap(line, Columns.TERMINAL, " ".repeat(WHAT_COLUMN))); // a long event goes on under itself
    }
}

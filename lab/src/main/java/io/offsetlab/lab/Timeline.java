package io.offsetlab.lab;

import java.io.PrintStream;

/**
 * Events with the seconds elapsed since the timeline started, printed as they happen:
 * "  4.1 s  steady   assigned [t-0, t-1]". Thread-safe: members report from their own threads.
 */
public final class Timeline {

    private final PrintStream out;
    private final long start = System.nanoTime();

    public Timeline(PrintStream out) {
        this.out = out;
    }

    public synchronized void event(String who, String what) {
        out.printf("%6.1f s  %-8s %s%n", (System.nanoTime() - start) / 1e9, who, what);
    }
}

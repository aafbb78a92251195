package io.offsetlab.lab;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The figures a test measured for the claims it proves, e.g. "duplicates 74 <= bound 83".
 * They go into the claims report beside the test's outcome. Printed too, so that they are in
 * the test's output as well.
 */
public final class Claims {

    /** The running test's figures; a figure recorded from another thread goes to the test that started last. */
    private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();
    private static volatile List<String> lastStarted = new CopyOnWriteArrayList<>();

    private Claims() {
    }

    public static void figure(String text) {
        System.out.println("claim figure: " + text);
        List<String> figures = CURRENT.get();
        (figures != null ? figures : lastStarted).add(text);
    }

    /** A test starts: its figures begin empty. */
    static List<String> start() {
        List<String> figures = new CopyOnWriteArrayList<>();
        CURRENT.set(figures);
        lastStarted = figures;
        return figures;
    }

    static List<String> finish() {
        List<String> figures = CURRENT.get() != null ? CURRENT.get() : List.of();
        CURRENT.remove();
        return figures;
    }
}

package io.offsetlab.lab;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The figures a test measured for the claims it proves, e.g. "duplicates 74 <= bound 83".
 * They go into the claims report beside the test's outcome: as a sentence in the Markdown
 * report, and drawn on the report's page when recorded as a {@link Figure}. Printed too, so
 * that they are in the test's output as well.
 */
public final class Claims {

    /** One recorded figure: its sentence, and its encoded {@link Figure} when it has one (else null). */
    record Recorded(String sentence, String encoded) {
    }

    /** The running test's figures; a figure recorded from another thread goes to the test that started last. */
    private static final ThreadLocal<List<Recorded>> CURRENT = new ThreadLocal<>();
    private static volatile List<Recorded> lastStarted = new CopyOnWriteArrayList<>();

    private Claims() {
    }

    /** A figure in words only: the report shows the sentence and draws nothing for it. */
    public static void figure(String text) {
        add(new Recorded(text, null));
    }

    /** A figure the report draws, with its {@link Figure#sentence()} as the words. */
    public static void figure(Figure figure) {
        add(new Recorded(figure.sentence(), figure.encode()));
    }

    private static void add(Recorded recorded) {
        System.out.println("claim figure: " + recorded.sentence());
        List<Recorded> figures = CURRENT.get();
        (figures != null ? figures : lastStarted).add(recorded);
    }

    /** A test starts: its figures begin empty. */
    static List<Recorded> start() {
        List<Recorded> figures = new CopyOnWriteArrayList<>();
        CURRENT.set(figures);
        lastStarted = figures;
        return figures;
    }

    static List<Recorded> finish() {
        List<Recorded> figures = CURRENT.get() != null ? CURRENT.get() : List.of();
        CURRENT.remove();
        return figures;
    }
}

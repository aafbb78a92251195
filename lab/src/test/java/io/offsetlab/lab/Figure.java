package io.offsetlab.lab;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A figure a test measured for the claims it proves, as data the claims report can draw:
 * <ul>
 *   <li>{@link #bars}: named values on one scale (durations, counts, records/s), with marker
 *       lines for the bounds they are compared against. Events on a time axis are bars from 0
 *       (e.g. "out 2163 ms after its last poll()" against the max.poll.interval.ms marker);</li>
 *   <li>{@link #log}: a partition's log with offsets marked on it (§1: log start, committed,
 *       position, end).</li>
 * </ul>
 * {@link #sentence()} is the same figure in words, for the Markdown report and the test's output.
 * Record one with {@link Claims#figure(Figure)}; only numbers the run measured or configured.
 *
 * <pre>{@code
 * Claims.figure(Figure.bars("handover (classic)", "ms").value("after SIGKILL", 2910).value("after close()", 466)
 *         .marker("session timeout", 3000));
 * }</pre>
 */
public final class Figure {

    /** What kind of drawing: bars on one scale, or a partition log with offsets marked. */
    public enum Kind { BARS, LOG }

    /** A named number: a bar, a marker line or an offset on the log. */
    public record Value(String label, double value) {
    }

    private final Kind kind;
    private final String title;
    private final String unit;
    private boolean logScale;
    private final List<Value> values = new ArrayList<>();
    private final List<Value> markers = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Figure(Kind kind, String title, String unit) {
        this.kind = kind;
        this.title = title;
        this.unit = unit;
    }

    /** Bars on one scale from 0, in {@code unit} ("ms", "records", "records/s"). */
    public static Figure bars(String title, String unit) {
        return new Figure(Kind.BARS, title, unit);
    }

    /** A partition's log, 0 to its end offset, with offsets marked ({@link #mark}). */
    public static Figure log(String title) {
        return new Figure(Kind.LOG, title, "");
    }

    /** A bar. */
    public Figure value(String label, double value) {
        values.add(new Value(label, value));
        return this;
    }

    /** An offset on a {@link #log} figure: "log start", "committed", "position", "end". */
    public Figure mark(String label, long offset) {
        return value(label, offset);
    }

    /** A line across the bars: a bound or setting the values are compared with. */
    public Figure marker(String label, double value) {
        markers.add(new Value(label, value));
        return this;
    }

    /** Words that go with the numbers (what happened, which node), in the sentence and the caption. */
    public Figure note(String text) {
        notes.add(text);
        return this;
    }

    /** Draw the bars on a logarithmic scale (for values that differ by orders of magnitude). */
    public Figure logScale() {
        logScale = true;
        return this;
    }

    /** "title: label 2910 ms, label 466 ms (session timeout 3000 ms); note". */
    public String sentence() {
        String suffix = unit.isEmpty() ? "" : " " + unit;
        StringBuilder text = new StringBuilder(title).append(": ")
                .append(values.stream().map(v -> v.label() + " " + number(v.value()) + suffix).collect(Collectors.joining(", ")));
        if (!markers.isEmpty()) {
            text.append(" (").append(markers.stream().map(m -> m.label() + " " + number(m.value()) + suffix)
                    .collect(Collectors.joining(", "))).append(")");
        }
        notes.forEach(note -> text.append("; ").append(note));
        return text.toString();
    }

    /**
     * One line of URL-encoded {@code key=value} fields joined by {@code &}, with no tab, space
     * or line break, so that a TSV field holds it and any figures after it, space-separated.
     * A value or marker field is {@code encoded(label)=number}. claims-report decodes it.
     */
    public String encode() {
        List<String> fields = new ArrayList<>();
        fields.add("kind=" + kind.name().toLowerCase(Locale.ROOT));
        fields.add("title=" + enc(title));
        fields.add("unit=" + enc(unit));
        fields.add("scale=" + (logScale ? "log" : "linear"));
        values.forEach(v -> fields.add("value=" + enc(v.label()) + "=" + number(v.value())));
        markers.forEach(m -> fields.add("marker=" + enc(m.label()) + "=" + number(m.value())));
        notes.forEach(n -> fields.add("note=" + enc(n)));
        fields.add("sentence=" + enc(sentence()));
        return String.join("&", fields);
    }

    /** 2910 for a whole number, 0.1 (up to 3 decimals) otherwise. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return sentence();
    }
}

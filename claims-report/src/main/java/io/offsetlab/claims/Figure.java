package io.offsetlab.claims;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A figure a test recorded, decoded from the claims TSV: what lab's test-kit {@code Figure}
 * encodes (URL-encoded {@code key=value} fields joined by {@code &}; a value or marker field is
 * {@code encoded(label)=number}). Drawn by {@link Svg}, captioned with its sentence.
 *
 * @param kind     "bars" (values on one scale, with marker lines) or "log" (a partition log with marks)
 * @param logScale bars on a logarithmic scale
 */
public record Figure(String kind, String title, String unit, boolean logScale, List<Value> values, List<Value> markers,
                     List<String> notes, String sentence) {

    /** A named number: a bar, a marker line or an offset marked on the log. */
    public record Value(String label, double value) {
    }

    public boolean isLog() {
        return kind.equals("log");
    }

    /** Decodes one encoded figure; throws IllegalArgumentException with the text when it is not one. */
    public static Figure decode(String encoded) {
        String kind = "";
        String title = "";
        String unit = "";
        String sentence = "";
        boolean logScale = false;
        List<Value> values = new ArrayList<>();
        List<Value> markers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String field : encoded.split("&")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not a figure field (key=value): " + field + " in " + encoded);
            }
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            switch (key) {
                case "kind" -> kind = dec(value);
                case "title" -> title = dec(value);
                case "unit" -> unit = dec(value);
                case "scale" -> logScale = value.equals("log");
                case "value" -> values.add(named(value, encoded));
                case "marker" -> markers.add(named(value, encoded));
                case "note" -> notes.add(dec(value));
                case "sentence" -> sentence = dec(value);
                default -> { } // a field a newer test kit writes: ignored
            }
        }
        if (!kind.equals("bars") && !kind.equals("log")) {
            throw new IllegalArgumentException("unknown figure kind '" + kind + "' in " + encoded);
        }
        return new Figure(kind, title, unit, logScale, values, markers, notes, sentence);
    }

    /**
     * Whether {@code other} is drawn in the same picture: the same kind, title, unit and scale.
     * Tests record one such figure each when each measures a part of it (a parameterized test,
     * one bar pair per auto.offset.reset policy).
     */
    public boolean samePicture(Figure other) {
        return kind.equals(other.kind) && title.equals(other.title) && unit.equals(other.unit) && logScale == other.logScale;
    }

    /**
     * This figure and {@code other} ({@link #samePicture}) as one: the values of both in order,
     * each marker and note once, and both sentences' numbers after the one title.
     */
    public Figure merge(Figure other) {
        List<Value> allValues = new ArrayList<>(values);
        allValues.addAll(other.values);
        List<Value> allMarkers = new ArrayList<>(markers);
        other.markers.stream().filter(m -> !allMarkers.contains(m)).forEach(allMarkers::add);
        List<String> allNotes = new ArrayList<>(notes);
        other.notes.stream().filter(n -> !allNotes.contains(n)).forEach(allNotes::add);
        String prefix = title + ": ";
        String rest = other.sentence.startsWith(prefix) ? other.sentence.substring(prefix.length()) : other.sentence;
        return new Figure(kind, title, unit, logScale, allValues, allMarkers, allNotes, sentence + "; " + rest);
    }

    /** "encoded(label)=number": the label is URL-encoded, so the last '=' separates the number. */
    private static Value named(String field, String encoded) {
        int eq = field.lastIndexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("a value without its number: " + field + " in " + encoded);
        }
        return new Value(dec(field.substring(0, eq)), Double.parseDouble(field.substring(eq + 1)));
    }

    private static String dec(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}

package io.offsetlab.lab.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a child JVM tells the JVM that started it ({@link ChildJvm}): one line of its output per
 * event, beginning with {@value #PREFIX}, then the event's name, then its fields as name=value:
 * <pre>
 * &#64;lab position offset=110 partition=0
 * &#64;lab committed done=1718000000250 reason=EVERY_N started=1718000000000
 * &#64;lab note text="a value with a space is quoted; \" and \\ are escaped"
 * </pre>
 * The parent reads a field by its name ({@link #number}, {@link #text}), never a word by its
 * position. Whatever else the child prints (words for a human, Kafka's log lines, which begin
 * with the time) does not begin with the prefix and is not a report. A line that begins with it
 * but does not parse is an error at once: a report nobody can read must not pass for no report.
 */
public record Report(String event, SortedMap<String, String> fields) {

    /** What begins every report line. */
    public static final String PREFIX = "@lab ";
    /** An event's or a field's name. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** A value written without quotes. */
    private static final Pattern BARE = Pattern.compile("[^\\s\"\\\\]+");

    public Report {
        check(NAME.matcher(event).matches(), "an event's name is lower-case letters, digits and '-': '" + event + "'");
        fields.keySet().forEach(name -> check(NAME.matcher(name).matches(),
                "a field's name is lower-case letters, digits and '-': '" + name + "'"));
        fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }

    /** A report of {@code event}; its fields in the order of their names. */
    public static Report of(String event, Map<String, ?> fields) {
        SortedMap<String, String> text = new TreeMap<>();
        fields.forEach((name, value) -> text.put(name, String.valueOf(value)));
        return new Report(event, text);
    }

    /**
     * Prints the report on standard output, in one println, flushed at once: the child may be
     * killed right after, and a line written in one piece is never cut by another thread's line.
     */
    public static void emit(String event, Map<String, ?> fields) {
        System.out.println(of(event, fields));
        System.out.flush();
    }

    /** A report without fields. */
    public static void emit(String event) {
        emit(event, Map.of());
    }

    /**
     * Every report in {@code output} (a child's, see {@link ChildJvm#output()}), in order. A last
     * line without its line break is still being written and is left for the next read.
     */
    public static List<Report> parse(String output) {
        List<String> lines = new ArrayList<>(List.of(output.split("\r?\n", -1)));
        lines.remove(lines.size() - 1); // after the last line break: "" or a line not finished yet
        List<Report> reports = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith(PREFIX) || line.equals(PREFIX.strip())) {
                reports.add(parseLine(line));
            }
        }
        return reports;
    }

    /** The reports of {@code event} in {@code output}, in order. */
    public static List<Report> events(String output, String event) {
        return parse(output).stream().filter(r -> r.event().equals(event)).toList();
    }

    /** The field {@code name} as it was written. */
    public String text(String name) {
        String value = fields.get(name);
        check(value != null, "the report has no field '" + name + "': " + this);
        return value;
    }

    /** The field {@code name}, a whole number. */
    public long number(String name) {
        String value = text(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' is not a whole number: " + this);
        }
    }

    /** The report as its line: {@value #PREFIX}, the event, the fields. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(PREFIX).append(event);
        fields.forEach((name, value) -> line.append(' ').append(name).append('=').append(quotedIfNeeded(value)));
        return line.toString();
    }

    private static String quotedIfNeeded(String value) {
        if (BARE.matcher(value).matches()) {
            return value;
        }
        String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r");
        return '"' + escaped + '"';
    }

    /** Reads one line that begins with {@value #PREFIX}; fails, saying why, when it is not a report after all. */
    static Report parseLine(String line) {
        int start = Math.min(PREFIX.length(), line.length());
        int end = line.indexOf(' ', start);
        String event = line.substring(start, end < 0 ? line.length() : end);
        checkLine(NAME.matcher(event).matches(), line, event.isEmpty() ? "no event name after '" + PREFIX.strip() + "'"
                : "'" + event + "' is not an event name (lower-case letters, digits and '-')");
        SortedMap<String, String> fields = new TreeMap<>();
        int i = start + event.length();
        while (i < line.length()) {
            i++; // the space before a field
            int equals = line.indexOf('=', i);
            checkLine(equals > i, line, "'" + line.substring(i) + "' is not name=value");
            String name = line.substring(i, equals);
            checkLine(NAME.matcher(name).matches(), line, "'" + name + "' is not a field name");
            StringBuilder value = new StringBuilder();
            i = line.startsWith("\"", equals + 1) ? quoted(line, equals + 2, value) : bare(line, equals + 1, value);
            checkLine(i == line.length() || line.charAt(i) == ' ', line, "the value of '" + name + "' runs into what follows");
            checkLine(fields.put(name, value.toString()) == null, line, "field '" + name + "' appears twice");
        }
        return new Report(event, fields);
    }

    /** Reads a quoted value from {@code start} (after its opening quote) into {@code value}; returns where it ends. */
    private static int quoted(String line, int start, StringBuilder value) {
        int i = start;
        while (true) {
            checkLine(i < line.length(), line, "a quoted value has no closing quote");
            char c = line.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c == '\\') {
                checkLine(i < line.length() && "\\\"nr".indexOf(line.charAt(i)) >= 0, line,
                        "a backslash in a quoted value is followed by \\, \", n or r");
                char escaped = line.charAt(i++);
                c = escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : escaped;
            }
            value.append(c);
        }
    }

    /** Reads an unquoted value from {@code start} into {@code value}; returns where it ends. */
    private static int bare(String line, int start, StringBuilder value) {
        int end = line.indexOf(' ', start);
        end = end < 0 ? line.length() : end;
        value.append(line, start, end);
        checkLine(BARE.matcher(value).matches(), line, value.isEmpty()
                ? "an empty value is written \"\"" : "a value with a quote or a backslash is quoted");
        return end;
    }

    private static void checkLine(boolean ok, String line, String why) {
        check(ok, "not a report line (" + why + "): " + line);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

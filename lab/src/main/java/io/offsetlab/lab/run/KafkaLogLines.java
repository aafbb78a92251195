package io.offsetlab.lab.run;

import org.apache.kafka.common.protocol.Errors;

import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only place where the lab reads what Kafka's client logs, for what only its log tells: a
 * consumer has no method or metric that names its group coordinator, and a commit that failed
 * and was retried inside {@code commitSync} never reaches the application. Each pattern is
 * Kafka 4.4.0's own message template (the string in its {@code log.info(...)} call) with every
 * {@code {}} replaced by what it stands for. {@code KafkaLogLinesTest} checks that the client's
 * classes still hold these templates and feeds lines made by the client's own code, so a Kafka
 * release that rewords one fails that test instead of leaving the lab reading nothing.
 *
 * <p>Lines are read as the lab's slf4j-simple settings print them (simplelogger.properties):
 * {@code 14:03:07.512 INFO AbstractCoordinator - [Consumer clientId=..., groupId=...] message}.
 */
public final class KafkaLogLines {

    /** Classic protocol: {@code AbstractCoordinator.markCoordinatorUnknown}. */
    public static final String LOST_CLASSIC =
            "Group coordinator {} is unavailable or invalid due to cause: {}. isDisconnected: {}. Rediscovery will be attempted.";
    /** Consumer protocol: {@code CoordinatorRequestManager.markCoordinatorUnknown}. */
    public static final String LOST_CONSUMER =
            "Group coordinator {} is unavailable or invalid due to cause: {}. Rediscovery will be attempted.";
    /** Both protocols, once FindCoordinator answered with a node. */
    public static final String FOUND = "Discovered group coordinator {}";
    /** Classic protocol: {@code ConsumerCoordinator.OffsetCommitResponseHandler}, a WARN. */
    public static final String COMMIT_FAILED = "Offset commit failed on partition {} at offset {}: {}";

    /** A GroupCoordinatorNode as Node.toString prints it: "127.0.0.1:40125 (id: +2 rack: null isFenced: false)". */
    private static final String NODE = "\\S+ \\(id: \\+(?<node>\\d+) [^)]*\\)";
    /** What the consumer protocol's client prints on discovery: "Coordinator(key='g', nodeId=2, host='127.0.0.1', ...)". */
    private static final String FOUND_NODE = "(?:" + NODE + "|Coordinator\\(key='[^']*', nodeId=(?<nodeId>\\d+),.*\\))";

    private static final Pattern LINE = Pattern.compile("^(?<time>\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) [A-Z]+ \\S+ - \\[[^]]*] (?<message>.*)$");
    private static final Pattern LOST_CLASSIC_LINE = pattern(LOST_CLASSIC, NODE, "(?<cause>.*)", "(?:true|false)");
    private static final Pattern LOST_CONSUMER_LINE = pattern(LOST_CONSUMER, NODE, "(?<cause>.*)");
    private static final Pattern FOUND_LINE = pattern(FOUND, FOUND_NODE);
    private static final Pattern COMMIT_FAILED_LINE = pattern(COMMIT_FAILED, "\\S+", "\\d+", "(?<error>.*)");

    /** What a consumer's client logged about its group coordinator. */
    public enum Kind {
        /** "Group coordinator ... is unavailable or invalid due to cause: ...": it will look it up again. */
        COORDINATOR_LOST,
        /** "Discovered group coordinator ...": FindCoordinator named a node. */
        COORDINATOR_FOUND,
        /** "Offset commit failed on partition ...: ..." (classic): a retriable error, the commit is retried. */
        COMMIT_FAILED
    }

    /**
     * One such line: when it was logged, the node it names (-1 for a failed commit), and the
     * cause (lost) or Kafka's error name (failed commit), empty for a discovery.
     */
    public record Line(long atMillis, Kind kind, int node, String detail) {
    }

    private KafkaLogLines() {
    }

    /**
     * Makes this JVM's consumers log the lines read here: they are INFO lines of the consumer's
     * internals, which the lab's settings keep at WARN. Call first thing in main(), before any
     * Kafka class logs: slf4j-simple reads its settings once.
     */
    public static void logCoordinatorLines() {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals", "info");
    }

    /** The client's lines about its group coordinator in {@code output} (a child JVM's), in order, read now. */
    public static List<Line> coordinatorLines(String output) {
        return coordinatorLines(output, ZonedDateTime.now());
    }

    /**
     * The same, for output read at {@code readAt}. A line carries only its time of day, so it is
     * dated at the last such time before {@code readAt}: a run that crossed midnight gets
     * yesterday's date for the lines logged before it, not today's (a day late).
     */
    static List<Line> coordinatorLines(String output, ZonedDateTime readAt) {
        List<Line> lines = new ArrayList<>();
        for (String text : output.lines().toList()) {
            Matcher line = LINE.matcher(text);
            if (line.matches()) {
                read(loggedAt(LocalTime.parse(line.group("time")), readAt), line.group("message")).ifPresent(lines::add);
            }
        }
        return lines;
    }

    /** The last instant at or before {@code readAt} whose time of day, in its zone, is {@code time}. */
    static long loggedAt(LocalTime time, ZonedDateTime readAt) {
        ZonedDateTime at = readAt.toLocalDate().atTime(time).atZone(readAt.getZone());
        return (at.isAfter(readAt) ? at.minusDays(1) : at).toInstant().toEpochMilli();
    }

    private static Optional<Line> read(long at, String message) {
        for (Pattern lost : List.of(LOST_CLASSIC_LINE, LOST_CONSUMER_LINE)) {
            Matcher m = lost.matcher(message);
            if (m.matches()) {
                String cause = m.group("cause").equals("null") ? "connection lost" : m.group("cause");
                return Optional.of(new Line(at, Kind.COORDINATOR_LOST, Integer.parseInt(m.group("node")), cause));
            }
        }
        Matcher m = FOUND_LINE.matcher(message);
        if (m.matches()) {
            String node = m.group("node") != null ? m.group("node") : m.group("nodeId");
            return Optional.of(new Line(at, Kind.COORDINATOR_FOUND, Integer.parseInt(node), ""));
        }
        m = COMMIT_FAILED_LINE.matcher(message);
        if (m.matches()) {
            return Optional.of(new Line(at, Kind.COMMIT_FAILED, -1, errorName(m.group("error"))));
        }
        return Optional.empty();
    }

    /** Kafka's error name for the message a client logged: "This is not the correct coordinator." is NOT_COORDINATOR. */
    private static String errorName(String message) {
        return Arrays.stream(Errors.values())
                .filter(e -> message.equals(e.message())).map(Enum::name).findFirst().orElse(message);
    }

    /** {@code template} with its literal text matched as it is and its n-th {@code {}} matched by {@code arguments[n]}. */
    private static Pattern pattern(String template, String... arguments) {
        String[] literals = template.split("\\{}", -1);
        if (literals.length != arguments.length + 1) {
            throw new IllegalArgumentException(template + " has " + (literals.length - 1) + " {}, not " + arguments.length);
        }
        StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 0; i < arguments.length; i++) {
            regex.append(arguments[i]).append(Pattern.quote(literals[i + 1]));
        }
        return Pattern.compile(regex.toString());
    }
}

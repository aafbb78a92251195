package io.offsetlab.lab.run;

import io.offsetlab.lab.run.KafkaLogLines.Kind;
import io.offsetlab.lab.run.KafkaLogLines.Line;
import org.apache.kafka.clients.consumer.internals.GroupCoordinatorNode;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.MessageFormatter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka log lines the lab reads, in Kafka 4.4.0's wording (pure logic, no broker). When a
 * Kafka upgrade fails this test, the client rewords a line: take the new template from its
 * code, put it in {@link KafkaLogLines}, and check that CoordinatorFailoverIT still sees the
 * coordinator's loss and rediscovery.
 */
class KafkaLogLinesTest {

    private static final String INTERNALS = "org.apache.kafka.clients.consumer.internals.";
    /** How the lab's slf4j-simple settings begin a consumer's line (time, level, logger, the client's log context). */
    /** When the tests' output is read: after every line in them (the latest is 14:03:17). */
    private static final ZonedDateTime READ_AT = ZonedDateTime.of(2026, 12, 5, 15, 0, 0, 0, ZoneId.systemDefault());
    private static final String AT = "14:03:07.512 INFO AbstractCoordinator - [Consumer clientId=consumer-g-1, groupId=g] ";

    @Test
    void theTemplatesAreWordForWordInTheKafkaClientsClasses() {
        assertLogs(INTERNALS + "AbstractCoordinator", KafkaLogLines.LOST_CLASSIC);
        assertLogs(INTERNALS + "CoordinatorRequestManager", KafkaLogLines.LOST_CONSUMER);
        assertLogs(INTERNALS + "AbstractCoordinator$FindCoordinatorResponseHandler", KafkaLogLines.FOUND);
        assertLogs(INTERNALS + "CoordinatorRequestManager", KafkaLogLines.FOUND);
        assertLogs(INTERNALS + "ConsumerCoordinator$OffsetCommitResponseHandler", KafkaLogLines.COMMIT_FAILED);
    }

    @Test
    void kafka440sClassicLinesAsTheyArePrinted() {
        String output = """
                14:03:07.512 INFO AbstractCoordinator - [Consumer clientId=consumer-g-1, groupId=g] Group coordinator \
                127.0.0.1:40125 (id: +2 rack: null isFenced: false) is unavailable or invalid due to cause: \
                coordinator unavailable. isDisconnected: true. Rediscovery will be attempted.
                14:03:07.600 INFO AbstractCoordinator - [Consumer clientId=consumer-g-1, groupId=g] Discovered group \
                coordinator 127.0.0.1:40125 (id: +2 rack: null isFenced: false)
                14:03:16.900 WARN ConsumerCoordinator - [Consumer clientId=consumer-g-1, groupId=g] Offset commit failed \
                on partition topic-0 at offset 3900: This is not the correct coordinator.
                14:03:17.012 INFO AbstractCoordinator - [Consumer clientId=consumer-g-1, groupId=g] Discovered group \
                coordinator 127.0.0.1:40127 (id: +3 rack: null isFenced: false)
                """;
        assertEquals(List.of(
                new Line(at("14:03:07.512"), Kind.COORDINATOR_LOST, 2, "coordinator unavailable"),
                new Line(at("14:03:07.600"), Kind.COORDINATOR_FOUND, 2, ""),
                new Line(at("14:03:16.900"), Kind.COMMIT_FAILED, -1, "NOT_COORDINATOR"),
                new Line(at("14:03:17.012"), Kind.COORDINATOR_FOUND, 3, "")), KafkaLogLines.coordinatorLines(output, READ_AT));
    }

    @Test
    void linesMadeByTheClientsOwnCodeAreRead() {
        GroupCoordinatorNode node = new GroupCoordinatorNode(2, "127.0.0.1", 40125); // what both protocols log as "the coordinator"
        FindCoordinatorResponseData.Coordinator answer = new FindCoordinatorResponseData.Coordinator()
                .setKey("g").setNodeId(3).setHost("127.0.0.1").setPort(40127); // what the consumer protocol logs on discovery
        assertRead(new Line(at("14:03:07.512"), Kind.COORDINATOR_LOST, 2, "coordinator unavailable"),
                KafkaLogLines.LOST_CLASSIC, node, "coordinator unavailable", true);
        assertRead(new Line(at("14:03:07.512"), Kind.COORDINATOR_LOST, 2, "connection lost"),
                KafkaLogLines.LOST_CONSUMER, node, null); // a disconnection without a message
        assertRead(new Line(at("14:03:07.512"), Kind.COORDINATOR_FOUND, 2, ""), KafkaLogLines.FOUND, node);
        assertRead(new Line(at("14:03:07.512"), Kind.COORDINATOR_FOUND, 3, ""), KafkaLogLines.FOUND, answer);
        assertRead(new Line(at("14:03:07.512"), Kind.COMMIT_FAILED, -1, "COORDINATOR_NOT_AVAILABLE"),
                KafkaLogLines.COMMIT_FAILED, new TopicPartition("topic", 0), 3900L, Errors.COORDINATOR_NOT_AVAILABLE.message());
    }

    @Test
    void otherLinesAreNotCoordinatorLines() {
        String output = AT + "Successfully joined group with generation Generation{generationId=1}\n"
                + "@lab committed done=2 reason=EVERY_N started=1\n"
                + "Group coordinator 127.0.0.1:40125 (id: +2 rack: null isFenced: false) is unavailable or invalid due to cause: "
                + "x. Rediscovery will be attempted.\n"; // not a log line: no time, level and logger
        assertEquals(List.of(), KafkaLogLines.coordinatorLines(output, READ_AT));
    }

    @Test
    void theLabsLoggerSettingsPrintTheBeginningOfLineThatIsRead() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = KafkaLogLines.class.getResourceAsStream("/simplelogger.properties")) {
            settings.load(in);
        }
        String prefix = "org.slf4j.simpleLogger.";
        assertEquals("true", settings.getProperty(prefix + "showDateTime"), "each line begins with the time");
        assertEquals("HH:mm:ss.SSS", settings.getProperty(prefix + "dateTimeFormat"), "the time KafkaLogLines reads");
        assertEquals("false", settings.getProperty(prefix + "showThreadName"), "no thread name between time and level");
        assertEquals("true", settings.getProperty(prefix + "showShortLogName"), "one word for the logger");
    }

    /** The line slf4j makes of {@code template} and {@code arguments} (as the client's log call would) reads as {@code expected}. */
    private static void assertRead(Line expected, String template, Object... arguments) {
        String line = AT + MessageFormatter.arrayFormat(template, arguments).getMessage();
        assertEquals(List.of(expected), KafkaLogLines.coordinatorLines(line + "\n", READ_AT), "read from: " + line);
    }

    private static void assertLogs(String className, String template) {
        String classFile = classFile(className);
        assertTrue(classFile.contains(template), "kafka-clients' " + className + " no longer holds the template '"
                + template + "': Kafka reworded the line KafkaLogLines reads");
    }

    /** A class file's bytes as text: its string constants (ASCII here) stand in it as they are. */
    private static String classFile(String className) {
        try (InputStream in = KafkaLogLinesTest.class.getClassLoader().getResourceAsStream(className.replace('.', '/') + ".class")) {
            assertNotNull(in, className + " is not in kafka-clients: the line KafkaLogLines reads moved");
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + className, e);
        }
    }

    /** {@code time} on {@link #READ_AT}'s day: the lines above were all logged that day, before it. */
    private static long at(String time) {
        return LocalTime.parse(time).atDate(READ_AT.toLocalDate()).atZone(READ_AT.getZone()).toInstant().toEpochMilli();
    }

    @Test
    void aLineLoggedBeforeMidnightAndReadAfterItIsDatedTheDayBefore() {
        ZonedDateTime readAt = ZonedDateTime.of(2026, 12, 6, 0, 0, 5, 0, ZoneId.of("Europe/Paris"));
        String line = "23:59:58.250 INFO AbstractCoordinator - [Consumer clientId=consumer-g-1, groupId=g] Discovered group "
                + "coordinator 127.0.0.1:40125 (id: +2 rack: null isFenced: false)";

        List<Line> lines = KafkaLogLines.coordinatorLines(line, readAt);

        assertEquals(ZonedDateTime.of(2026, 12, 5, 23, 59, 58, 250_000_000, readAt.getZone()).toInstant().toEpochMilli(),
                lines.get(0).atMillis(), "a line is logged before it is read: 23:59:58 read at 00:00:05 is 6.75 s earlier, "
                        + "on the day before, not 23 h 59 min later");
    }

    @Test
    void aLineLoggedJustBeforeItIsReadIsDatedThatDay() {
        ZonedDateTime readAt = ZonedDateTime.of(2026, 12, 6, 0, 0, 5, 0, ZoneId.of("Europe/Paris"));

        assertEquals(readAt.minusNanos(4_900_000_000L).toInstant().toEpochMilli(),
                KafkaLogLines.loggedAt(LocalTime.of(0, 0, 0, 100_000_000), readAt),
                "00:00:00.100 read at 00:00:05: the same day, 4.9 s earlier");
    }
}

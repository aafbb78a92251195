package io.offsetlab.reset;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.reset.ResetProbe.Outcome;
import io.offsetlab.reset.ResetScenarios.Setup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * §2 auto.offset.reset 详解: which policy applies when, and where each one starts, on a real
 * broker. Every scenario topic holds 2 records stamped two hours ago, then fresh ones.
 */
@KafkaLab
class AutoOffsetResetIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RETRY_AFTER_MS = 5000;
    static final List<String> POLICIES = ResetScenarios.POLICIES;
    /** The scenarios as the report's figures name them, with the offsets ResetScenarios sets up. */
    private static final String NEW_GROUP = "new group, 5 records";
    private static final String VALID = "valid committed offset 3 of 5";
    private static final String BELOW_START = "committed 2 < log start 6 (deleteRecords), end 10";
    private static final String BEYOND_END = "committed 100 > end 5";
    private static final String RECREATED = "topic recreated with 5 new records (the group had committed 5)";

    @Test
    @Claim("2.earliest-latest")
    void newGroupWithEarliestReadsEverything(LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).newGroup();
        assertOutcome(new Outcome("earliest", 0L, 5, 0, null), probe(kafka, setup, "earliest", NEW_GROUP),
                "earliest starts at the log start and reads all 5 records");
    }

    @Test
    @Claim("2.earliest-latest")
    void newGroupWithLatestReadsOnlyRecordsWrittenAfterTheAssignment(LabKafka kafka) throws Exception {
        ResetScenarios scenarios = scenarios(kafka);
        Setup setup = scenarios.newGroup();
        TopicPartition tp = setup.partition();
        try (KafkaConsumer<String, String> consumer = kafka.consumer(setup.group(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.assign(List.of(tp));
            long startedAt = consumer.position(tp);
            assertEquals(5L, startedAt, "latest resets the position to the end offset, 5");

            scenarios.produce(tp, 3); // written after the position was set
            List<ConsumerRecord<String, String>> read = Polling.pollAtLeast(consumer, 3, TIMEOUT);
            long logStart = consumer.beginningOffsets(List.of(tp)).get(tp);
            Claims.figure(perPolicy(NEW_GROUP, new Outcome("latest", startedAt, read.size(), startedAt - logStart, null))
                    .note("latest read only the " + read.size() + " records written after its reset"));

            assertEquals(List.of(5L, 6L, 7L), read.stream().map(ConsumerRecord::offset).toList(),
                    "only the 3 records written after the reset are read; offsets 0-4 are skipped for good");
        }
    }

    @Test
    @Claim("2.none")
    void newGroupWithNoneThrowsNoOffsetForPartitionException(LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).newGroup();
        assertEquals("NoOffsetForPartitionException", probe(kafka, setup, "none", NEW_GROUP).exception(),
                "none: no committed offset is an error, thrown from poll()");
    }

    @Test
    @Claim("2.values")
    void newGroupWithByDurationStartsAtTheFirstRecordNewerThanNowMinusTheDuration(LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).newGroup();
        assertOutcome(new Outcome("by_duration:PT1H", 2L, 3, 2, null), probe(kafka, setup, "by_duration:PT1H", NEW_GROUP),
                "by_duration:PT1H skips the 2 records stamped 2 h ago and starts at the first one newer than 1 h: offset 2");
    }

    /**
     * by_duration has no fallback: with no record stamped at or after now minus the duration, the
     * consumer finds no start (ListOffsets by timestamp answers -1), so poll() returns nothing and
     * position() times out. It asks again after request.timeout.ms, with a fresh now minus the
     * duration, and then starts at the first record that qualifies.
     */
    @Test
    @Claim("2.values")
    void byDurationWithNoRecordInsideTheWindowHasNoFallbackAndWaitsForOne(LabKafka kafka) throws Exception {
        TopicPartition tp = scenarios(kafka).topicWithRecords("by-duration-none-new", ResetScenarios.OLD_RECORDS); // 2 old only
        try (KafkaConsumer<String, String> consumer = kafka.consumer(kafka.newGroupId("by-duration-none-new"), Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "by_duration:PT1H", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // The client asks ListOffsets again only after this (default 30000); shorter, so that the retry shows.
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, RETRY_AFTER_MS))) {
            consumer.assign(List.of(tp));
            long started = System.currentTimeMillis();
            // Nothing for 3 s is the behaviour: a fallback to latest or earliest would have a position at once.
            await("poll() returns nothing while no record is inside the window").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10)).until(() -> consumer.poll(Duration.ofMillis(100)).isEmpty());
            assertThrows(TimeoutException.class, () -> consumer.position(tp, Duration.ofSeconds(1)),
                    "no position at all: by_duration does not fall back to latest (2) when no record qualifies");

            long written = System.currentTimeMillis();
            kafka.produce(tp.topic(), 0, 1); // offset 2, stamped now: inside the window
            ConsumerRecord<String, String> first = Polling.pollAtLeast(consumer, 1, TIMEOUT).get(0);
            long readAt = System.currentTimeMillis();
            Claims.figure(Figure.bars("by_duration:PT1H with no record inside the window: no position; from the consumer's start",
                            "ms")
                    .value("a record written", written - started).value("read, " + (readAt - written) + " ms later", readAt - started)
                    .marker("request.timeout.ms", RETRY_AFTER_MS));
            assertEquals(2L, first.offset(), "the retry finds the new record and starts there");
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("POLICIES")
    @Claim("2.when")
    void aCommittedOffsetWinsOverEveryPolicy(String policy, LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).committedOffset();
        assertOutcome(new Outcome(policy, 3L, 2, 0, null), probe(kafka, setup, policy, VALID),
                "auto.offset.reset is used only without a usable committed offset: the group resumes at 3 whatever the policy");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            "earliest,         6,  4, 0, -",
            "latest,           10, 0, 4, -",
            "none,             -,  0, 0, OffsetOutOfRangeException",
            "by_duration:PT1H, 6,  4, 0, -"})
    @Claim({"2.when", "2.out-of-range"})
    void aCommittedOffsetBelowTheLogStartIsOutOfRange(String policy, Long startedAt, int read, long skipped,
                                                      String exception, LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).committedBelowLogStart();
        assertOutcome(new Outcome(policy, startedAt, read, skipped, exception), probe(kafka, setup, policy, BELOW_START),
                "committed 2, log start 6 (deleteRecords), end 10: the fetch at 2 is out of range and the policy decides");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            "earliest,         0, 5, 0, -",
            "latest,           5, 0, 5, -",
            "none,             -, 0, 0, OffsetOutOfRangeException",
            "by_duration:PT1H, 2, 3, 2, -"})
    @Claim({"2.when", "2.none", "2.out-of-range"})
    void aCommittedOffsetBeyondTheEndIsOutOfRange(String policy, Long startedAt, int read, long skipped,
                                                  String exception, LabKafka kafka) throws Exception {
        Setup setup = scenarios(kafka).committedBeyondEnd();
        assertOutcome(new Outcome(policy, startedAt, read, skipped, exception), probe(kafka, setup, policy, BEYOND_END),
                "committed 100 on a 5-record partition: out of range; latest skips all 5, none throws");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            "earliest,         0, 5, 0, -",
            "latest,           5, 0, 5, -",
            "none,             -, 0, 0, NoOffsetForPartitionException",
            "by_duration:PT1H, 2, 3, 2, -"})
    @Claim("2.topic-deleted")
    void aDeletedAndRecreatedTopicHasNoCommittedOffsets(String policy, Long startedAt, int read, long skipped,
                                                        String exception, LabKafka kafka) throws Exception {
        ResetScenarios scenarios = scenarios(kafka);
        Setup setup = scenarios.topicRecreated();
        assertNull(scenarios.committed(setup.group(), setup.partition()),
                "deleting the topic deleted the group's committed offset (5) with it");
        assertOutcome(new Outcome(policy, startedAt, read, skipped, exception), probe(kafka, setup, policy, RECREATED),
                "the recreated topic's 5 records: the group has no offset, so the policy applies");
    }

    private static ResetScenarios scenarios(LabKafka kafka) {
        return new ResetScenarios(kafka.backend(), kafka.admin());
    }

    /** Starts a consumer with {@code policy} on the setup and records what it did as a figure of {@code scenario}. */
    private static Outcome probe(LabKafka kafka, Setup setup, String policy, String scenario) {
        Outcome outcome = ResetProbe.start(kafka.backend(), setup.group(), setup.partition(), policy, TIMEOUT);
        Claims.figure(perPolicy(scenario, outcome));
        return outcome;
    }

    /**
     * One policy's bars in the scenario's figure: records read, and records skipped (still in the
     * log, never read by the group). Every test of a scenario records the same title, so the
     * report's page draws one figure per scenario with a pair of bars per policy.
     */
    private static Figure perPolicy(String scenario, Outcome outcome) {
        Figure figure = Figure.bars(scenario + ": records read and skipped, per auto.offset.reset", "records");
        if (outcome.failed()) {
            return figure.value(outcome.policy() + " read (poll() threw " + outcome.exception() + ")", outcome.read());
        }
        return figure.value(outcome.policy() + " read (started at " + outcome.startedAt() + ")", outcome.read())
                .value(outcome.policy() + " skipped (never read)", outcome.skipped());
    }

    private static void assertOutcome(Outcome expected, Outcome actual, String why) {
        assertEquals(expected, actual, why);
    }
}

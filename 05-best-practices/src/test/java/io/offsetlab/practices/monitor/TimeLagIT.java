package io.offsetlab.practices.monitor;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.monitor.TimeLag.Age;
import io.offsetlab.practices.monitor.TimeLagEstimate.Estimate;
import io.offsetlab.practices.monitor.TimeLagEstimate.Kind;
import io.offsetlab.practices.monitor.TimeLagEstimate.Sample;
import io.offsetlab.practices.tools.Invocation;
import io.offsetlab.practices.tools.KafkaConsumerGroupsCommand;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 lag in time on a real broker: the exact age of the oldest record a group has not consumed
 * ({@link TimeLag}), and kafka-lag-exporter's estimate from sampled end offsets
 * ({@link TimeLagEstimate}) beside it, where the estimate is right and where it is not.
 */
@KafkaLab
class TimeLagIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final long PRODUCE_EVERY_MS = 100;
    /** How often the stopped-group test runs the tool. */
    private static final int READINGS = 5;
    /** TIME-LAG is printed to 0.1 s: off by at most half of that. */
    private static final long ROUNDING_MS = 50;

    /**
     * A group stopped at offset 3 while a producer writes one record per 100 ms. The tool
     * ({@code lag-monitor --time-lag}) is run {@value #READINGS} times, about a second apart: its
     * TIME-LAG is record 3's age each time, so it grows one second per second, and LAG grows ten
     * records per second. Each reading also samples the end offset the way {@code --watch} does
     * ({@link TimeLagColumn#sample}), and the estimate at the last reading is recorded beside the
     * exact age. The margins come from how the run samples, never a percentage.
     */
    @Test
    @Claim("5.time-lag")
    void aStoppedGroupFallsBehindOneSecondPerSecondAndTenRecordsPerSecond(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-time", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-time");
        long record3 = kafka.produce(topic, 0, 5).get(3).timestamp();
        commit(kafka, group, partition, 3); // processed 0-2, then stopped
        Map<Long, Long> ackedAt = new ConcurrentHashMap<>(); // offset -> when the producer heard it was written

        List<Reading> readings = new ArrayList<>();
        Estimate estimated;
        long estimatedAt;
        long scheduledFrom;
        ScheduledExecutorService producing = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = kafka.producer(); TimeLagColumn watch = new TimeLagColumn(kafka.backend())) {
            scheduledFrom = System.currentTimeMillis(); // record k (offset 5 + k) is due at scheduledFrom + k * 100 ms
            producing.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>(topic, 0, "k", "v"),
                    (m, e) -> { if (m != null) ackedAt.put(m.offset(), System.currentTimeMillis()); }), 0, PRODUCE_EVERY_MS, TimeUnit.MILLISECONDS);
            for (int i = 0; i < READINGS; i++) {
                int due = (i + 1) * 10; // about a second between readings: ten more records
                await(due + " records written").atMost(Duration.ofSeconds(60)).until(() -> ackedAt.size() >= due);
                readings.add(read(kafka, group, watch));
            }
            estimatedAt = System.currentTimeMillis();
            estimated = watch.estimate(group, LagMonitor.describe(kafka.admin(), group).rows().get(0), estimatedAt);
            producing.shutdownNow();
            producing.awaitTermination(10, TimeUnit.SECONDS);
            producer.flush(); // every record sent has its acknowledgement: the producer's delays are all known
        } finally {
            producing.shutdownNow();
        }
        Reading first = readings.get(0);
        Reading last = readings.get(readings.size() - 1);
        long exactAtEstimate = estimatedAt - record3;
        Figure figure = Figure.bars("a stopped group: lag-monitor --time-lag " + READINGS + " times while one record per "
                + PRODUCE_EVERY_MS + " ms arrives", "ms");
        readings.forEach(r -> figure.value(String.format(Locale.ROOT, "TIME-LAG at +%.0f ms (LAG %d)", r.midMs() - first.midMs(),
                r.lag()), r.timeLagMs()));
        figure.value("exact age when the estimate was read, after the last reading", exactAtEstimate)
                .value("estimate from " + READINGS + " sampled end offsets (" + estimated.kind() + ", error "
                        + signed(estimated.ageMs() == null ? 0 : estimated.ageMs() - exactAtEstimate) + " ms)",
                        estimated.ageMs() == null ? 0 : estimated.ageMs());

        // TIME-LAG is printed to 0.1 s, and the tool read its clock at some moment of its run.
        double window = last.midMs() - first.midMs();
        double slope = (last.timeLagMs() - first.timeLagMs()) / window;
        double slopeMargin = (first.halfRunMs() + last.halfRunMs() + 2.0 * ROUNDING_MS) / window;
        // A record counts in LAG once written: no earlier than it was due, no later than its acknowledgement.
        long latest = latestAcknowledgement(ackedAt, scheduledFrom);
        long lagGrew = last.lag() - first.lag();
        double fewest = (last.beforeMs() - first.afterMs() - latest) / (double) PRODUCE_EVERY_MS - 1;
        double most = (last.afterMs() - first.beforeMs() + latest) / (double) PRODUCE_EVERY_MS + 1;
        figure.note(String.format(Locale.ROOT, "TIME-LAG grew %.3f s per s (1 +- %.3f); LAG grew %d records in %.0f ms"
                + " (%.1f/s; %.1f to %.1f expected, the producer at most %d ms late)", slope, slopeMargin, lagGrew, window,
                lagGrew * 1000 / window, fewest, most, latest));
        Claims.figure(figure);

        Age age;
        try (KafkaConsumer<byte[], byte[]> reader = TimeLag.reader(kafka.backend())) {
            age = TimeLag.oldestUnconsumed(reader, Map.of(partition, 3L), READ_TIMEOUT, estimatedAt).get(partition);
        }
        assertAll(
                () -> assertEquals(3L, age.offset(), "the oldest unconsumed record is the one at the committed offset"),
                () -> assertEquals(record3, age.timestamp(), "its timestamp is the one the producer got back"),
                () -> assertEquals(TimestampType.CREATE_TIME, age.type(), "a topic's default: the producer's CreateTime"),
                () -> readings.forEach(r -> assertTrue(r.timeLagMs() >= r.beforeMs() - record3 - ROUNDING_MS
                        && r.timeLagMs() <= r.afterMs() - record3 + ROUNDING_MS, "each TIME-LAG is record 3's age while the tool"
                        + " ran: between " + (r.beforeMs() - record3) + " and " + (r.afterMs() - record3) + " ms (printed to 0.1 s),"
                        + " was " + r.timeLagMs() + " ms")),
                () -> assertTrue(Math.abs(slope - 1) <= slopeMargin, String.format(Locale.ROOT, "TIME-LAG grows one second per"
                        + " second: expected 1 +- %.3f (each reading's clock known to within half its run, %.0f and %.0f ms, and"
                        + " printed to 0.1 s, over %.0f ms), was %.3f", slopeMargin, first.halfRunMs(), last.halfRunMs(), window, slope)),
                () -> assertTrue(lagGrew >= fewest && lagGrew <= most, String.format(Locale.ROOT, "LAG grows one record per %d ms:"
                        + " expected %.1f to %.1f more records (the readings %d to %d ms apart, a record written between when it is"
                        + " due and its acknowledgement, at most %d ms late, and one record either way at each reading), was %d",
                        PRODUCE_EVERY_MS, fewest, most, last.beforeMs() - first.afterMs(), last.afterMs() - first.beforeMs(), latest,
                        lagGrew)),
                () -> assertEquals(Kind.EXTRAPOLATED, estimated.kind(),
                        "committed 3 is below the first sampled end (" + first.end() + "): the estimate extrapolates"));
    }

    @Test
    @Claim("5.time-lag")
    void aCaughtUpGroupOnAnIdlePartitionIsZeroInTimeAndSoIsTheEstimate(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-idle", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-idle");
        kafka.produce(topic, 0, 10);
        commit(kafka, group, partition, 10);
        TimeLagEstimate estimate = sampleEnds(kafka, partition, 3);

        Both both = exactAndEstimate(kafka, partition, 10, estimate);
        Age age = both.age();
        Estimate estimated = both.estimate();
        Claims.figure(Figure.bars("a caught-up group on an idle partition", "ms").value("exact age", age.ageMs())
                .value("estimate (" + estimated.kind() + ", " + estimate.samples().size() + " samples kept)", estimated.ageMs()));
        assertAll(
                () -> assertTrue(age.caughtUp(), "nothing after the committed offset: " + age),
                () -> assertEquals(0, age.ageMs(), "caught up: age 0"),
                () -> assertEquals(new Estimate(Kind.CAUGHT_UP, 0L), estimated,
                        "the committed offset is the newest sampled end: the table says 0 as well"));
    }

    @Test
    @Claim("5.time-lag")
    void recordsWrittenBeforeSamplingOnAnIdlePartitionHaveAnExactAgeButNoEstimate(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-old", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<RecordMetadata> written = kafka.produce(topic, 0, 10);
        TimeLagEstimate estimate = sampleEnds(kafka, partition, 3);

        Both both = exactAndEstimate(kafka, partition, 4, estimate);
        Age age = both.age();
        Estimate estimated = both.estimate();
        Claims.figure(Figure.bars("records written before the first sample, nobody writing since", "ms")
                .value("exact age", age.ageMs()).note("estimate: none (" + estimated.kind() + ")"));
        assertAll(
                () -> assertEquals(4L, age.offset(), "the record at the committed offset"),
                () -> assertEquals(both.nowMs() - written.get(4).timestamp(), age.ageMs(), "now minus record 4's timestamp"),
                () -> assertEquals(new Estimate(Kind.NO_SLOPE, null), estimated,
                        "every sample has the same end: no line to read record 4's time off"));
    }

    @Test
    @Claim("5.time-lag")
    void aBurstBetweenTwoSamplesIsEstimatedWithinOneSamplingInterval(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-burst", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        TimeLagEstimate estimate = new TimeLagEstimate(60);
        estimate.add(end(kafka, partition), System.currentTimeMillis());
        List<RecordMetadata> burst = kafka.produce(topic, 0, 100);
        estimate.add(end(kafka, partition), System.currentTimeMillis());

        Both both = exactAndEstimate(kafka, partition, 0, estimate);
        Age age = both.age();
        Estimate estimated = both.estimate();
        long firstSample = estimate.samples().get(0).timeMs();
        long interval = estimate.samples().get(1).timeMs() - firstSample;
        long written = burst.get(0).timestamp();
        long error = estimated.ageMs() - age.ageMs();
        Claims.figure(Figure.bars("a burst of 100 records between two samples", "ms").value("exact age", age.ageMs())
                .value("estimate (error " + error + " ms: record 0 was written " + (written - firstSample)
                        + " ms after the first sample)", estimated.ageMs()).marker("sampling interval", interval));
        assertAll(
                () -> assertEquals(List.of(0L, 100L), estimate.samples().stream().map(Sample::endOffset).toList(),
                        "the table: the empty partition's end, then the end after the burst"),
                () -> assertEquals(both.nowMs() - written, age.ageMs(), "now minus record 0's timestamp"),
                () -> assertEquals(Kind.INTERPOLATED, estimated.kind(), "0 lies between the two samples' ends"),
                () -> assertEquals(both.nowMs() - firstSample, estimated.ageMs(), "on the line from (0, first sample) to"
                        + " (100, second sample), offset 0 is at the first sample's time: the estimate is now minus that"),
                () -> assertEquals(written - firstSample, error, "so it is off by exactly the time from the first sample to"
                        + " record 0's timestamp (at most the sampling interval, " + interval + " ms)"));
    }

    @Test
    @Claim("5.time-lag")
    void aCommittedOffsetOnAnAbortedRecordOrAMarkerFindsTheNextRealRecord(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-txn", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, LabKafka.uniqueName("s5-time-txn"));
        RecordMetadata real;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            transaction(producer, topic, 3, true);  // offsets 0-2, its commit marker at 3
            transaction(producer, topic, 2, false); // offsets 4-5 aborted, the abort marker at 6
            real = transaction(producer, topic, 1, true).get(0); // offset 7, its marker at 8
        }
        try (KafkaConsumer<byte[], byte[]> reader = TimeLag.reader(kafka.backend())) {
            long now = System.currentTimeMillis();
            Age onMarker = TimeLag.oldestUnconsumed(reader, Map.of(partition, 3L), READ_TIMEOUT, now).get(partition);
            Age onAborted = TimeLag.oldestUnconsumed(reader, Map.of(partition, 4L), READ_TIMEOUT, now).get(partition);
            Age onLastMarker = TimeLag.oldestUnconsumed(reader, Map.of(partition, 8L), READ_TIMEOUT, now).get(partition);
            assertAll(
                    () -> assertEquals(7L, real.offset(), "the layout this test builds"),
                    () -> assertEquals(7L, onMarker.offset(), "committed 3 (a commit marker): the next real record is 7"),
                    () -> assertEquals(real.timestamp(), onMarker.timestamp(), "record 7's own timestamp"),
                    () -> assertEquals(7L, onAborted.offset(), "committed 4 (aborted): 4-5 are skipped, 6 is a marker"),
                    () -> assertTrue(onLastMarker.caughtUp(), "committed 8 (the last marker): nothing left to consume, " + onLastMarker),
                    () -> assertEquals(0, onLastMarker.ageMs(), "caught up: age 0"));
        }
    }

    /**
     * A committed offset below the log start (deleteRecords took records 0-4) is read from the log
     * start, the oldest record left; one beyond the end (a truncated log) has no age, not 0.
     */
    @Test
    @Claim("5.time-lag")
    void aCommittedOffsetBelowTheLogStartIsReadFromThereAndOneBeyondTheEndHasNoAge(LabKafka kafka) {
        String topic = kafka.createTopic("s5-range", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<RecordMetadata> written = kafka.produce(topic, 0, 10);
        LabKafka.get(kafka.admin().deleteRecords(Map.of(partition, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(5))).all());
        try (KafkaConsumer<byte[], byte[]> reader = TimeLag.reader(kafka.backend())) {
            long now = System.currentTimeMillis();
            Age below = TimeLag.oldestUnconsumed(reader, Map.of(partition, 2L), READ_TIMEOUT, now).get(partition);
            Map<TopicPartition, Age> beyond = TimeLag.oldestUnconsumed(reader, Map.of(partition, 15L), READ_TIMEOUT, now);
            assertAll(
                    () -> assertEquals(5L, below.offset(), "committed 2, log start 5: the oldest record left is 5"),
                    () -> assertEquals(now - written.get(5).timestamp(), below.ageMs(), "now minus record 5's timestamp"),
                    () -> assertEquals(Map.of(), beyond, "committed 15, end 10: no age, rather than a false 0"));
        }
    }

    /** {@code --time-lag}: TIME-LAG comes after the real command's columns, and without it the table is the command's own. */
    @Test
    @Claim("5.time-lag")
    void theToolsTimeLagColumnIsTheAgeOfTheRecordAtTheCommittedOffset(LabKafka kafka) {
        String topic = kafka.createTopic("s5-col", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-col");
        List<RecordMetadata> written = kafka.produce(topic, 0, 5);
        commit(kafka, group, partition, 3);

        long before = System.currentTimeMillis();
        Invocation run = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--time-lag"));
        long after = System.currentTimeMillis();
        Invocation plain = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group));
        Invocation watch = Invocation.of(LagMonitorCommand::run,
                kafka.commandLine("--group", group, "--time-lag", "--watch", "1", "--samples", "2"));
        List<List<String>> watched = KafkaConsumerGroupsCommand.tableRows(watch.out(), group);
        List<String> lastRow = watched.isEmpty() ? List.of() : watched.get(watched.size() - 1);

        assertEquals(0, run.exit(), "lag-monitor --time-lag: " + run.err());
        List<String> header = List.of(run.out().lines().findFirst().orElse("").trim().split("\\s+"));
        List<String> row = KafkaConsumerGroupsCommand.tableRows(run.out(), group).get(0);
        double seconds = Double.parseDouble(row.get(row.size() - 1).replace("s", ""));
        long timestamp = written.get(3).timestamp();
        Claims.figure("lag-monitor --time-lag: committed 3 of 5, TIME-LAG " + row.get(row.size() - 1));
        assertAll(
                () -> assertEquals(0, run.exit(), run.err()),
                () -> assertEquals("TIME-LAG", header.get(header.size() - 1), "the column comes last:\n" + run.out()),
                () -> assertTrue(seconds >= (before - timestamp) / 1000.0 - 0.05 && seconds <= (after - timestamp) / 1000.0 + 0.05,
                        "record 3's age while the tool ran, between " + (before - timestamp) + " and " + (after - timestamp)
                                + " ms (to 0.1 s), was " + seconds + " s"),
                () -> assertFalse(plain.out().contains("TIME-LAG"), "without --time-lag, the command's own columns:\n" + plain.out()),
                () -> assertEquals(0, watch.exit(), watch.err()),
                () -> assertTrue(watch.out().contains("CATCH-UP  TIME-LAG  ESTIMATE  ERROR"), "--watch --time-lag:\n" + watch.out()),
                () -> assertEquals(List.of("no", "slope", "-"), lastRow.subList(Math.max(0, lastRow.size() - 3), lastRow.size()),
                        "nobody wrote while it sampled: the estimate has no slope, so no error either:\n" + watch.out()));
    }

    /** {@code --check --max-lag-seconds N}: a live group whose oldest unconsumed record is older than N s is BEHIND, exit 3. */
    @Test
    @Claim("5.time-lag")
    void checkWithMaxLagSecondsJudgesTheAgeOfTheOldestUnconsumedRecord(LabKafka kafka) {
        String topic = kafka.createTopic("s5-behind", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-behind");
        List<RecordMetadata> written = kafka.produce(topic, 0, 5);
        try (KafkaConsumer<String, String> member = kafka.consumer(group, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            member.subscribe(List.of(topic));
            await("the member owns the partition").atMost(Duration.ofSeconds(60)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            member.commitSync(Map.of(partition, new OffsetAndMetadata(3))); // processed 0-2, then stuck on record 3
            // Record 3 has to grow older than the limit: the passing time is what is judged.
            await("record 3 older than 1 s").atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() - written.get(3).timestamp() > 1500);

            Invocation tight = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--check", "--max-lag-seconds", "1"));
            Invocation loose = Invocation.of(LagMonitorCommand::run,
                    kafka.commandLine("--group", group, "--check", "--max-lag-seconds", "3600"));
            Invocation withoutCheck = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--max-lag-seconds", "1"));
            Claims.figure("--check --max-lag-seconds 1: " + tight.out().lines().skip(1).findFirst().orElse("").trim());
            assertAll(
                    () -> assertEquals(LagMonitorCommand.NOT_OK, tight.exit(), tight.out() + tight.err()),
                    () -> assertTrue(tight.out().matches("(?s).*" + group + " +BEHIND +oldest unconsumed record \\d+\\.\\ds old \\("
                            + topic + "-0\\), over 1 s.*"), "BEHIND, with the record's age:\n" + tight.out()),
                    () -> assertEquals(Runner.OK, loose.exit(), loose.out() + loose.err()),
                    () -> assertTrue(loose.out().matches("(?s).*" + group + " +OK +.*oldest unconsumed record \\d+\\.\\ds old.*"),
                            loose.out()),
                    () -> assertEquals(Runner.USAGE, withoutCheck.exit(), "--max-lag-seconds is --check's limit: " + withoutCheck.err()));
        }
    }

    /**
     * A group whose member reads read_uncommitted (the default) committed inside a transaction
     * that is still open: past the last stable offset, the end a read_committed reader sees. The
     * exact method finds no record there, so TIME-LAG is "?", and {@code --check --max-lag-seconds}
     * says WARN: the limit could not be checked for that partition.
     */
    @Test
    @Claim("5.time-lag")
    void aGroupCommittedPastTheLastStableOffsetHasNoAgeAndCheckWithMaxLagSecondsWarns(LabKafka kafka) {
        String topic = kafka.createTopic("s5-lso", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-lso");
        kafka.produce(topic, 0, 5);
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, LabKafka.uniqueName("s5-time-open"));
        try (KafkaProducer<String, String> open = new KafkaProducer<>(config);
             KafkaConsumer<String, String> member = kafka.consumer(group, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            open.initTransactions();
            open.beginTransaction();
            for (int i = 0; i < 3; i++) {
                open.send(new ProducerRecord<>(topic, 0, "k", "v"));
            }
            open.flush(); // offsets 5-7 in the log, their transaction open: the last stable offset stays 5
            member.subscribe(List.of(topic));
            await("the member owns the partition").atMost(Duration.ofSeconds(60)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            member.commitSync(Map.of(partition, new OffsetAndMetadata(8))); // it read 0-7, the open transaction's records too
            long lastStable = LabKafka.get(kafka.admin().listOffsets(Map.of(partition, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(partition)).offset();

            Invocation timeLag = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--time-lag"));
            Invocation check = Invocation.of(LagMonitorCommand::run,
                    kafka.commandLine("--group", group, "--check", "--max-lag-seconds", "1"));
            List<String> row = KafkaConsumerGroupsCommand.tableRows(timeLag.out(), group).get(0);
            Claims.figure("committed 8 inside an open transaction (last stable offset " + lastStable + "): TIME-LAG "
                    + row.get(row.size() - 1) + "; --check --max-lag-seconds 1: " + check.out().lines().skip(1).findFirst().orElse("").trim());
            assertAll(
                    () -> assertEquals(5L, lastStable, "the open transaction holds the last stable offset at its first record"),
                    () -> assertEquals(List.of("8", "8", "0"), row.subList(3, 6), "CURRENT-OFFSET 8 at LOG-END-OFFSET 8 (the high"
                            + " watermark, as the command shows it): LAG 0\n" + timeLag.out()),
                    () -> assertEquals("?", row.get(row.size() - 1), "committed 8, beyond 5, the end a read_committed reader sees:"
                            + " no record to take the age of\n" + timeLag.out()),
                    () -> assertEquals(LagMonitorCommand.NOT_OK, check.exit(), check.out() + check.err()),
                    () -> assertTrue(check.out().matches("(?s).*" + group + " +WARN +lag 0; time lag unknown for " + topic
                            + "-0 \\(.*or a transaction still open\\).*"),
                            "WARN rather than OK: the limit could not be checked there, and the line says why\n" + check.out()));
            open.abortTransaction();
        }
    }

    /** The exact age and the estimate of one partition's oldest unconsumed record, at the same moment. */
    private record Both(Age age, Estimate estimate, long nowMs) {
    }

    private static Both exactAndEstimate(LabKafka kafka, TopicPartition partition, long committed, TimeLagEstimate table) {
        try (KafkaConsumer<byte[], byte[]> reader = TimeLag.reader(kafka.backend())) {
            long now = System.currentTimeMillis();
            Age age = TimeLag.oldestUnconsumed(reader, Map.of(partition, committed), READ_TIMEOUT, now).get(partition);
            return new Both(age, table.estimate(committed, now), now);
        }
    }

    /**
     * One run of {@code lag-monitor --group GROUP --time-lag}, between {@code beforeMs} and
     * {@code afterMs} by the test's clock: the row's LOG-END-OFFSET, LAG and TIME-LAG.
     */
    private record Reading(long beforeMs, long afterMs, long end, long lag, long timeLagMs) {

        double midMs() {
            return (beforeMs + afterMs) / 2.0;
        }

        /** How far the tool's own clock reading may be from {@link #midMs}. */
        double halfRunMs() {
            return (afterMs - beforeMs) / 2.0;
        }
    }

    /** The tool, run once; and, as each sample of --watch does, the end offsets sampled into {@code watch}'s tables. */
    private static Reading read(LabKafka kafka, String group, TimeLagColumn watch) throws Exception {
        long sampledAt = System.currentTimeMillis(); // --watch takes the time, then describes the group
        watch.sample(LagMonitor.describe(kafka.admin(), group), sampledAt);
        long before = System.currentTimeMillis();
        Invocation run = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--time-lag"));
        long after = System.currentTimeMillis();
        assertEquals(0, run.exit(), "lag-monitor --time-lag: " + run.err());
        List<String> row = KafkaConsumerGroupsCommand.tableRows(run.out(), group).get(0);
        long timeLagMs = Math.round(Double.parseDouble(row.get(row.size() - 1).replace("s", "")) * 1000);
        return new Reading(before, after, Long.parseLong(row.get(4)), Long.parseLong(row.get(5)), timeLagMs);
    }

    /**
     * The most any of the producer's records was written after it was due: its acknowledgement
     * minus its due time (record k, at offset 5 + k, is due {@code k * PRODUCE_EVERY_MS} after
     * {@code scheduledFrom}; a fixed-rate schedule sends late after a stall, never early).
     */
    private static long latestAcknowledgement(Map<Long, Long> ackedAt, long scheduledFrom) {
        return ackedAt.entrySet().stream().mapToLong(e -> e.getValue() - (scheduledFrom + (e.getKey() - 5) * PRODUCE_EVERY_MS))
                .max().orElse(0);
    }

    private static String signed(long ms) {
        return (ms > 0 ? "+" : "") + ms;
    }

    /** The partition's end offset sampled {@code count} times, 200 ms apart: the table --watch would build. */
    private static TimeLagEstimate sampleEnds(LabKafka kafka, TopicPartition partition, int count) throws InterruptedException {
        TimeLagEstimate estimate = new TimeLagEstimate(60);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(200); // the sampling interval: the passing time is what a table records
            }
            estimate.add(end(kafka, partition), System.currentTimeMillis());
        }
        return estimate;
    }

    private static long end(LabKafka kafka, TopicPartition partition) {
        return LabKafka.get(kafka.admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)).offset();
    }

    private static void commit(LabKafka kafka, String group, TopicPartition partition, long offset) {
        LabKafka.get(kafka.admin().alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset))).all());
    }

    private static List<RecordMetadata> transaction(KafkaProducer<String, String> producer, String topic, int records, boolean commit) {
        producer.beginTransaction();
        List<java.util.concurrent.Future<RecordMetadata>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < records; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, 0, "k", "v")));
        }
        producer.flush(); // in the log before the outcome: an abort leaves its records there, marked aborted
        List<RecordMetadata> written = sent.stream().map(LabKafka::get).toList();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
        return written;
    }
}

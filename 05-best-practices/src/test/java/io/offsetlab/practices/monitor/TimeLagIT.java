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
import io.offsetlab.practices.tools.Invocation;
import io.offsetlab.practices.tools.KafkaConsumerGroupsCommand;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
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

    @Test
    @Claim("5.time-lag")
    void aStoppedGroupFallsBehindOneSecondPerSecondAndTenRecordsPerSecond(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-time", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("s5-time");
        List<RecordMetadata> first = kafka.produce(topic, 0, 5);
        commit(kafka, group, partition, 3); // processed 0-2, then stopped
        Map<Long, Long> timestamps = new ConcurrentHashMap<>();
        first.forEach(m -> timestamps.put(m.offset(), m.timestamp()));

        ScheduledExecutorService producing = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = kafka.producer(); KafkaConsumer<byte[], byte[]> reader = TimeLag.reader(kafka.backend());
             AutoCloseable stopProducing = () -> { producing.shutdownNow(); producing.awaitTermination(10, TimeUnit.SECONDS); }) {
            producing.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>(topic, 0, "k", "v"),
                    (m, e) -> { if (m != null) timestamps.put(m.offset(), m.timestamp()); }), 0, PRODUCE_EVERY_MS, TimeUnit.MILLISECONDS);
            Sample before = sample(kafka, reader, partition, 3);
            await("30 more records written").atMost(Duration.ofSeconds(60)).until(() -> timestamps.size() >= 5 + 30 + before.lag());
            Sample after = sample(kafka, reader, partition, 3);

            double seconds = (after.nowMs() - before.nowMs()) / 1000.0;
            double recordsPerSecond = (after.lag() - before.lag()) / seconds;
            double expectedRate = 1000.0 / PRODUCE_EVERY_MS;
            Claims.figure(Figure.bars("a stopped group, sampled twice " + (after.nowMs() - before.nowMs()) + " ms apart", "ms")
                    .value("oldest unconsumed record's age, first sample", before.age().ageMs())
                    .value("oldest unconsumed record's age, second sample", after.age().ageMs())
                    .note(String.format(java.util.Locale.ROOT, "LAG %d, then %d records (%.1f records/s)", before.lag(), after.lag(),
                            recordsPerSecond)));
            assertAll(
                    () -> assertEquals(3L, before.age().offset(), "the oldest unconsumed record is the one at the committed offset"),
                    () -> assertEquals(timestamps.get(3L), before.age().timestamp(), "its timestamp is the one the producer got back"),
                    () -> assertEquals(TimestampType.CREATE_TIME, before.age().type(), "a topic's default: the producer's CreateTime"),
                    () -> assertEquals(after.nowMs() - before.nowMs(), after.age().ageMs() - before.age().ageMs(),
                            "the same record, older by exactly the time that passed: one second per second"),
                    // The producer writes one record per 100 ms at a fixed rate, catching up after a stall:
                    // the count is off by at most the records in flight at each sample.
                    () -> assertTrue(Math.abs(recordsPerSecond - expectedRate) <= expectedRate * 0.25 + 2 / seconds,
                            "LAG grows by about " + expectedRate + " records per second, was " + recordsPerSecond));
        }
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
        long interval = estimate.samples().get(1).timeMs() - estimate.samples().get(0).timeMs();
        long error = estimated.ageMs() - age.ageMs();
        Claims.figure(Figure.bars("a burst of 100 records between two samples", "ms").value("exact age", age.ageMs())
                .value("estimate (error " + error + " ms)", estimated.ageMs()).marker("sampling interval", interval));
        assertAll(
                () -> assertEquals(both.nowMs() - burst.get(0).timestamp(), age.ageMs(), "now minus record 0's timestamp"),
                () -> assertEquals(Kind.INTERPOLATED, estimated.kind(), "0 lies between the two samples' ends"),
                () -> assertTrue(error >= 0 && error <= interval, "the estimate puts record 0 at the first sample, before it was"
                        + " written: off by at most the sampling interval (" + interval + " ms), was " + error + " ms"));
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

    private record Sample(Age age, long lag, long nowMs) {
    }

    private static Sample sample(LabKafka kafka, KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long committed) {
        long now = System.currentTimeMillis();
        long end = end(kafka, partition);
        Age age = TimeLag.oldestUnconsumed(reader, Map.of(partition, committed), READ_TIMEOUT, now).get(partition);
        return new Sample(age, end - committed, now);
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

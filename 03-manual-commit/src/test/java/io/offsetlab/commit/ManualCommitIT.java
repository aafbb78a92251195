package io.offsetlab.commit;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.LoadedMachine;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §3 enable.auto.commit=false 时，Offset 何时更新？ With auto commit off the committed offset
 * moves only when the application commits; what a restarted member re-reads follows from
 * that. The crash cases, with a real SIGKILL, are in {@link CrashRestartIT}.
 */
@KafkaLab
class ManualCommitIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RECORDS_PER_PARTITION = 5;

    @Test
    @Claim("3.manual")
    void withoutACommitARestartedConsumerReReadsEverything(LabKafka kafka) {
        String topic = kafka.createTopic("no-commit", 1);
        kafka.produce(topic, 0, 50);
        String group = kafka.newGroupId("no-commit");

        Set<Long> firstRun = offsets(readAll(kafka, group, topic, 50));
        List<ConsumerRecord<String, String>> secondRun = readAll(kafka, group, topic, 50);
        long reRead = secondRun.stream().filter(r -> firstRun.contains(r.offset())).count();
        Claims.figure(Figure.bars("auto commit off, no commit, 50 records", "records").value("first run read", firstRun.size())
                .value("the restart re-read", reRead));

        assertEquals(50, firstRun.size());
        assertEquals(50, reRead, "no commit: the restarted member starts over and re-reads all 50 records (50 duplicates)");
    }

    /**
     * The article's example, translated ({@link ArticleExample}): it commits once per message,
     * each time the offset after that message. An interceptor sees every commit that completes.
     */
    @Test
    @Claim("3.per-message")
    void theArticlesExampleCommitsTheOffsetAfterEachMessage(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("article", 1);
        kafka.produce(topic, 0, 5);
        String group = kafka.newGroupId("article");
        CommitsSeen.OFFSETS.clear();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, CommitsSeen.class.getName()))) {
            consumer.subscribe(List.of(topic));
            ArticleExample.consume(consumer, new PrintStream(printed, true),
                    () -> printed.toString().lines().count() < 5);
        } // close() waits for the commits still in flight

        assertEquals(5, printed.toString().lines().filter(l -> l.startsWith("Received message: ")).count(), printed.toString());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), CommitsSeen.OFFSETS, "one commit per message, each of the offset after it");
        assertEquals(5L, OffsetProbe.committed(kafka.admin(), group, new TopicPartition(topic, 0)));
    }

    /** Records the offset of every completed commit (Kafka calls onCommit for sync, async and auto commits). */
    public static final class CommitsSeen implements ConsumerInterceptor<String, String> {
        static final List<Long> OFFSETS = new CopyOnWriteArrayList<>();

        @Override
        public ConsumerRecords<String, String> onConsume(ConsumerRecords<String, String> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.values().forEach(o -> OFFSETS.add(o.offset()));
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    @Test
    @Claim("3.manual")
    void closeDoesNotCommitWhenAutoCommitIsOff(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("close", 1);
        kafka.produce(topic, 0, 10);
        String group = kafka.newGroupId("close");

        List<ConsumerRecord<String, String>> polled = readAll(kafka, group, topic, 10); // polls everything, then close()

        TopicPartition tp = new TopicPartition(topic, 0);
        OffsetAndMetadata committed = kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        long end;
        try (KafkaConsumer<String, String> probe = kafka.consumer(null, Map.of())) {
            end = probe.endOffsets(List.of(tp)).get(tp);
        }
        Claims.figure(Figure.log("auto commit off: poll() " + polled.size() + " records, then close()")
                .mark("last polled", polled.get(polled.size() - 1).offset()).mark("end", end)
                .note("committed after close(): " + (committed == null ? "none" : committed.offset())));
        assertNull(committed, "close() commits nothing when enable.auto.commit=false");
    }

    @Test
    void commitAfterProcessingResumesExactlyAfterTheLastCommit(LabKafka kafka) {
        String topic = kafka.createTopic("commit-after", 1);
        kafka.produce(topic, 0, 50);
        String group = kafka.newGroupId("commit-after");
        List<Long> firstRun = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manual(10))) {
            consumer.subscribe(List.of(topic));
            while (firstRun.size() < 30) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                records.forEach(r -> firstRun.add(r.offset())); // process ...
                if (!records.isEmpty()) {
                    consumer.commitSync(records.nextOffsets()); // ... then commit
                }
            }
        }
        List<Long> secondRun = readAll(kafka, group, topic, 50 - firstRun.size()).stream()
                .map(ConsumerRecord::offset).toList();

        assertEquals(firstRun.size(), secondRun.get(0), "the restarted member starts right after the last committed record");
        List<Long> all = new ArrayList<>(firstRun);
        all.addAll(secondRun);
        assertEquals(rangeOf(50), all, "zero duplicates, zero lost: every offset 0..49 processed exactly once");
    }

    @Test
    @Claim("3.what-to-commit")
    void committingRecordOffsetInsteadOfOffsetPlusOneReplaysOneRecordPerPartition(LabKafka kafka) {
        String topic = kafka.createTopic("off-by-one", 3);
        for (int p = 0; p < 3; p++) {
            kafka.produce(topic, p, 10);
        }
        String wrong = kafka.newGroupId("wrong");
        String right = kafka.newGroupId("right");
        commitEverything(kafka, wrong, topic, r -> new OffsetAndMetadata(r.offset())); // the classic bug
        commitEverything(kafka, right, topic, r -> new OffsetAndMetadata(r.offset() + 1, r.leaderEpoch(), ""));

        List<ConsumerRecord<String, String>> replayed = readAll(kafka, wrong, topic, 3);
        assertEquals(List.of(9L, 9L, 9L), replayed.stream().map(ConsumerRecord::offset).toList(),
                "committed record.offset() = 9 means 'read 9 next': the last record of each of the 3 partitions is processed again");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(right, manual(500))) {
            consumer.subscribe(List.of(topic));
            Polling.pollUntil(consumer, TIMEOUT, "the 3 partitions to be assigned", () -> consumer.assignment().size() == 3);
            for (TopicPartition tp : consumer.assignment()) {
                assertEquals(10L, consumer.position(tp), "offset + 1 = 10: nothing to replay on " + tp);
            }
        }
    }

    @Test
    void nextOffsetsGivesOffsetPlusOneWithTheLeaderEpoch(LabKafka kafka) {
        String topic = kafka.createTopic("next-offsets", 1);
        kafka.produce(topic, 0, 5);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(kafka.newGroupId("next"), manual(500))) {
            consumer.subscribe(List.of(topic));
            ConsumerRecords<String, String> records = Polling.pollNonEmpty(consumer, TIMEOUT);
            OffsetAndMetadata next = records.nextOffsets().get(tp);
            ConsumerRecord<String, String> last = records.records(tp).get(records.records(tp).size() - 1);

            assertEquals(last.offset() + 1, next.offset(), "ConsumerRecords.nextOffsets() (Kafka 4.0+) is the last offset + 1");
            assertTrue(next.leaderEpoch().isPresent(), "and carries the leader epoch, used to detect log truncation (KIP-320)");
            assertEquals(last.leaderEpoch(), next.leaderEpoch(), "the epoch of the leader that wrote the last record");
            consumer.commitSync(records.nextOffsets());
            assertEquals(next.leaderEpoch(), consumer.committed(Set.of(tp)).get(tp).leaderEpoch(), "the epoch is committed too");
        }
    }

    @Test
    void commitSyncOfSpecificOffsetsCommitsExactlyThose(LabKafka kafka) {
        String topic = kafka.createTopic("specific", 2);
        kafka.produce(topic, 0, 10);
        kafka.produce(topic, 1, 10);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(kafka.newGroupId("specific"), manual(500))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 20, TIMEOUT);

            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(4)));

            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
            assertEquals(4L, committed.get(p0).offset(), "commitSync(Map) commits the given offset, not the position (10)");
            assertNull(committed.get(p1), "and nothing for partitions it was not given");
        }
    }

    @Test
    void commitAsyncReportsTheOutcomeToItsCallback(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("async", 1);
        kafka.produce(topic, 0, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(kafka.newGroupId("async"), manual(500))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 10, TIMEOUT);
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> done = new CompletableFuture<>();

            consumer.commitAsync((offsets, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(offsets);
                }
            });
            // The callback runs inside a later poll() (or commitSync/close) on this thread.
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(50));
                return done.isDone();
            });

            assertEquals(10L, done.get(1, TimeUnit.SECONDS).get(tp).offset(), "the callback gets the committed offsets");
        }
    }

    @Test
    @Claim("3.what-to-commit")
    void anOlderCommitArrivingLaterMovesTheCommittedOffsetBackwards(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("backwards", 1);
        kafka.produce(topic, 0, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("backwards");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manual(500))) {
            consumer.assign(List.of(tp));
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(10)));
            // What a retried commitAsync of an older position does when it lands after a newer commit:
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(5)));

            assertEquals(5L, consumer.committed(Set.of(tp)).get(tp).offset(), "the broker keeps the LAST commit it receives, "
                    + "not the highest: retrying an old async commit can move the offset back and cause re-reads");
        }
    }

    /**
     * Both clients drive auto commit from poll(), not from a timer: classic's
     * ConsumerCoordinator.poll, and the consumer protocol's application event for poll()
     * (ApplicationEventProcessor hands AsyncPollEvent to CommitRequestManager.updateTimerAndMaybeCommit).
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("3.what-to-commit")
    void autoCommitCommitsInsidePollOnceTheIntervalHasPassed(String protocol, LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("auto", 1);
        kafka.produce(topic, 0, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("auto");
        int interval = autoCommitIntervalMs(kafka, protocol); // the join and the first fetch fit in it
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, autoCommit(protocol, interval))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 10, TIMEOUT);
            assertNull(committed(kafka, group, tp), protocol + ": right after poll() returned the records nothing is committed yet "
                    + "(auto.commit.interval.ms=" + interval + ")");

            notPollingFor(Duration.ofMillis(interval + 1000));
            assertNull(committed(kafka, group, tp), "no poll() for longer than the interval, no auto commit: the interval "
                    + "alone commits nothing");

            await("a poll() after the interval commits the position").atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return committed(kafka, group, tp) != null;
            });
            assertEquals(10L, committed(kafka, group, tp));
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("3.what-to-commit")
    void autoCommitCommitsOnClose(String protocol, LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("auto-close", 1);
        kafka.produce(topic, 0, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = kafka.newGroupId("auto-close");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, autoCommit(protocol, 600_000))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 10, TIMEOUT);
            assertNull(committed(kafka, group, tp), "the 10-minute interval has not passed");
        }
        assertEquals(10L, committed(kafka, group, tp), protocol + ": close() commits the position when auto commit is on");
    }

    /**
     * assign() is one more place where auto commit looks at its timer: when the interval has
     * passed, it commits the old assignment's positions (asynchronously) before it replaces
     * them; before that it commits nothing. Kafka 4.4: ClassicKafkaConsumer.assign calls
     * ConsumerCoordinator.maybeAutoCommitOffsetsAsync(now), and the consumer protocol's
     * AssignmentChangeEvent calls CommitRequestManager.updateTimerAndMaybeCommit. Both check
     * the interval first.
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("3.what-to-commit")
    void autoCommitInAssignCommitsTheOldAssignmentOnlyOnceTheIntervalHasPassed(String protocol, LabKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("auto-assign", 3);
        kafka.produce(topic, 0, RECORDS_PER_PARTITION);
        kafka.produce(topic, 1, RECORDS_PER_PARTITION);
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition second = new TopicPartition(topic, 1);
        TopicPartition empty = new TopicPartition(topic, 2); // the last assignment: nothing to read, nothing to commit
        String group = kafka.newGroupId("auto-assign");
        int interval = autoCommitIntervalMs(kafka, protocol); // the first fetch fits in it (assign() joins no group)
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, autoCommit(protocol, interval))) {
            consumer.assign(List.of(first));
            Polling.pollAtLeast(consumer, RECORDS_PER_PARTITION, TIMEOUT);
            consumer.assign(List.of(second)); // within the interval: commits nothing

            Polling.pollAtLeast(consumer, RECORDS_PER_PARTITION, TIMEOUT);
            notPollingFor(Duration.ofMillis(interval + 1000));
            consumer.assign(List.of(empty)); // the interval has passed: commits the second partition's position
            await("the commit assign() sent").atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(100)); // lets the classic consumer find its coordinator and send it
                return committed(kafka, group, second) != null;
            });
        }
        assertAll(
                () -> assertEquals(RECORDS_PER_PARTITION, committed(kafka, group, second), protocol + ": assign() after the "
                        + "interval committed the position of the partition it took away"),
                () -> assertNull(committed(kafka, group, first), protocol + ": assign() within the interval committed "
                        + "nothing, and no later commit had that partition's position"));
    }

    /**
     * Before a rebalance takes partitions away, auto commit commits every position and waits
     * for the answer, whatever the interval: ConsumerCoordinator.onJoinPrepare (classic), and
     * ConsumerMembershipManager.signalReconciliationStarted, which calls
     * CommitRequestManager.maybeAutoCommitSyncBeforeRebalance (consumer protocol), in Kafka 4.4.
     * So the member that gets a partition starts where the old owner stopped.
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("3.what-to-commit")
    void autoCommitCommitsEveryPositionBeforeARebalanceTakesPartitionsAway(String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("auto-rebalance", 2);
        kafka.produce(topic, 0, RECORDS_PER_PARTITION);
        kafka.produce(topic, 1, RECORDS_PER_PARTITION);
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        String group = kafka.newGroupId("auto-rebalance");
        Map<String, Object> manualCommit = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A 10-minute interval: neither poll() nor the test's length can commit; only the rebalance can.
        try (KafkaConsumer<String, String> first = kafka.consumer(group, autoCommit(protocol, 600_000));
             KafkaConsumer<String, String> second = kafka.consumer(group, manualCommit)) {
            first.subscribe(List.of(topic));
            Polling.pollAtLeast(first, 2 * RECORDS_PER_PARTITION, TIMEOUT);
            assertNull(committed(kafka, group, partitions.get(0)), "precondition: nothing committed before the rebalance");

            second.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> readBySecond = new ArrayList<>();
            await("the second member gets a partition").atMost(TIMEOUT).until(() -> {
                first.poll(Duration.ofMillis(100)); // the first member takes part in the rebalance in poll()
                second.poll(Duration.ofMillis(100)).forEach(readBySecond::add);
                return !second.assignment().isEmpty();
            });
            for (TopicPartition tp : partitions) {
                assertEquals(RECORDS_PER_PARTITION, committed(kafka, group, tp), protocol + ": before giving up "
                        + "partitions, the first member committed the position of " + tp + ", long before its interval");
            }
            for (TopicPartition tp : second.assignment()) {
                // position() waits for the committed offset if no poll() has fetched it yet: where the member starts.
                assertEquals(RECORDS_PER_PARTITION, second.position(tp), protocol + ": the second member starts " + tp
                        + " at the first member's commit, the end of the partition, not at the log start (earliest)");
            }
            assertEquals(List.of(), readBySecond, "the second member starts at that commit: nothing is read twice");
        }
    }

    /**
     * An auto.commit.interval.ms that the tests' first steps fit in, since its timer starts when
     * the consumer is created and these tests look for no commit before it has passed: a new
     * member's join, which on classic waits group.initial.rebalance.delay.ms for more members
     * (read from the broker: 0 on the lab broker, 3000 by default; the consumer protocol has no
     * such wait), and the first fetch, plus {@link LoadedMachine#SLACK_MS}. 5 s on the lab
     * broker, Kafka's default interval.
     */
    private static int autoCommitIntervalMs(LabKafka kafka, String protocol) {
        long joinWait = protocol.equals("classic") ? kafka.settings().value(BrokerSettings.INITIAL_REBALANCE_DELAY) : 0;
        return (int) joinWait + LoadedMachine.SLACK_MS;
    }

    private static Map<String, Object> autoCommit(String protocol, int intervalMs) {
        return Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, intervalMs, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }

    /** Not calling poll() IS the behaviour: auto commit is driven by poll(). */
    private static void notPollingFor(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private static Long committed(LabKafka kafka, String group, TopicPartition tp) {
        return OffsetProbe.committed(kafka.admin(), group, tp);
    }

    /** A member that reads {@code count} records and closes without committing. */
    private static Set<Long> offsets(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::offset).collect(java.util.stream.Collectors.toSet());
    }

    private static List<ConsumerRecord<String, String>> readAll(LabKafka kafka, String group, String topic, int count) {
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manual(500))) {
            consumer.subscribe(List.of(topic));
            return Polling.pollAtLeast(consumer, count, TIMEOUT);
        }
    }

    private static void commitEverything(LabKafka kafka, String group, String topic,
                                         java.util.function.Function<ConsumerRecord<String, String>, OffsetAndMetadata> offsetOf) {
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manual(500))) {
            consumer.subscribe(List.of(topic));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, String> r : Polling.pollAtLeast(consumer, 30, TIMEOUT)) {
                offsets.put(new TopicPartition(r.topic(), r.partition()), offsetOf.apply(r));
            }
            consumer.commitSync(offsets);
        }
    }

    private static Map<String, Object> manual(int maxPollRecords) {
        return Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    }

    private static List<Long> rangeOf(int n) {
        List<Long> offsets = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            offsets.add(i);
        }
        return offsets;
    }
}

package io.offsetlab.poll;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.LoadedMachine;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §4 max.poll.interval.ms 和消费者会话管理: what evicts a member and what does not, on both
 * group protocols (classic, and consumer from KIP-848). max.poll.interval.ms is shortened to 2 s
 * (default 300000); the session timeout is the broker's to allow: the shortest it accepts from 3 s
 * up on classic, its group.consumer.session.timeout.ms on consumer (read from it; default 45000).
 */
@KafkaLab
class PollIntervalIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_POLL_INTERVAL_MS = 2000;
    /** How long the late-check member processes: 1 s past max.poll.interval.ms. */
    private static final int LATE_CHECK_PROCESSING_MS = MAX_POLL_INTERVAL_MS + 1000;
    /**
     * The late-check group's heartbeat interval (its consumer.heartbeat.interval.ms): the
     * member's processing, plus {@link LoadedMachine#SLACK_MS} for the join, the first fetch, the
     * commit, the leave and the describe that sees it, requests that take well under 1 s together
     * on an idle machine. 8 s; within the broker's bounds for it by default (5 to 15 s).
     */
    private static final long LATE_CHECK_HEARTBEAT_MS = LATE_CHECK_PROCESSING_MS + LoadedMachine.SLACK_MS;
    /**
     * Why an evicted member's commit fails, in the words of Kafka 4.4's client. Classic: the client
     * refuses it itself, since it left the group when its poll interval ran out
     * (ConsumerCoordinator.sendOffsetCommitRequest). Consumer protocol: the broker answers
     * UNKNOWN_MEMBER_ID (ConsumerGroup.validateOffsetCommit), which CommitRequestManager words so.
     */
    private static final Map<String, String> WHY_REFUSED = Map.of(
            "classic", "the consumer is not part of an active group",
            "consumer", "OffsetCommit failed with unknown member ID");

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim({"4.poll-interval", "5.timeouts"})
    void aMemberSlowerThanMaxPollIntervalIsEvictedAndItsUncommittedRecordsAreReRead(String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("slow", 2);
        String group = kafka.newGroupId("slow");
        Map<String, Object> slowConfig = Members.config(kafka.backend(), group, protocol, MAX_POLL_INTERVAL_MS);
        slowConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        // A producer that knows the topic's leaders before the slow member joins: from then on the
        // member's 2 s max.poll.interval.ms runs between its polls, and a producer that connected
        // only then took longer than that once on a loaded machine (the member left before the test began).
        try (KafkaProducer<String, String> producer = kafka.producer();
             SteadyMember other = new SteadyMember(Members.config(kafka.backend(), group, protocol, 300_000), topic);
             KafkaConsumer<String, String> slow = new KafkaConsumer<>(slowConfig)) {
            producer.partitionsFor(topic);
            slow.subscribe(List.of(topic));
            Polling.pollUntil(slow, TIMEOUT, "slow and the other member to hold one partition each",
                    () -> slow.assignment().size() == 1 && other.assignment().size() == 1);
            TopicPartition mine = slow.assignment().iterator().next();
            for (int p = 0; p < 2; p++) { // written once each member owns one partition
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "key-" + i, "record-" + i));
                }
            }
            producer.flush();
            slow.commitSync(Polling.pollNonEmpty(slow, TIMEOUT).nextOffsets()); // the first batch: processed and committed

            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(slow, TIMEOUT); // the second batch takes longer than
            long processingStarted = System.currentTimeMillis();
            slowProcessing(Duration.ofMillis(Members.overrunMs(kafka.backend(), protocol, MAX_POLL_INTERVAL_MS))); // the limit
            long processedFor = System.currentTimeMillis() - processingStarted;

            CommitFailedException refused = assertThrows(CommitFailedException.class, () -> slow.commitSync(batch.nextOffsets()),
                    protocol + ": the evicted member's commit of the batch it processed fails");
            assertTrue(refused.getMessage().contains(WHY_REFUSED.get(protocol)), protocol + ": refused because "
                    + WHY_REFUSED.get(protocol) + ", not for another reason (a stale member epoch fails the same way); was: "
                    + refused.getMessage());
            List<Long> reprocessed = batch.records(mine).stream().map(ConsumerRecord::offset).toList();
            await("the other member gets " + mine + " and re-reads the uncommitted batch").atMost(TIMEOUT)
                    .until(() -> other.offsetsRead(mine).containsAll(reprocessed));
            Claims.figure(Figure.bars(protocol + ": a member slower than max.poll.interval.ms", "ms")
                    .value("its second batch's processing, no poll()", processedFor)
                    .marker("max.poll.interval.ms", MAX_POLL_INTERVAL_MS)
                    .note("its commit failed; the new owner re-read its " + reprocessed.size() + " uncommitted records"));
            assertEquals(reprocessed.get(0), other.offsetsRead(mine).get(0),
                    "the new owner starts at the evicted member's last commit: " + reprocessed.size() + " records processed twice");

            Polling.pollUntil(slow, TIMEOUT, "slow to rejoin and get a partition", () -> !slow.assignment().isEmpty()); // the next poll() rejoins
        }
    }

    /**
     * The evicted member's commit is rejected while another member remains (the test above). A
     * lone member is different, once the group has emptied: on the consumer protocol the broker
     * accepts the commit (Kafka 4.4's ConsumerGroup.validateOffsetCommit accepts a negative member
     * epoch when the group has no members); the classic client refuses it itself, since it is not
     * in an active group.
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("4.poll-interval")
    void aLoneEvictedMembersCommitIsAcceptedOnTheConsumerProtocolOnly(String protocol, LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("lone", 1);
        String group = kafka.newGroupId("lone");
        kafka.produce(topic, 0, 10);
        Map<String, Object> config = Members.config(kafka.backend(), group, protocol, MAX_POLL_INTERVAL_MS);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        try (KafkaConsumer<String, String> lone = new KafkaConsumer<>(config)) {
            lone.subscribe(List.of(topic));
            // A first commit, so that the group has offsets and stays (Empty) when its member leaves.
            lone.commitSync(Polling.pollNonEmpty(lone, TIMEOUT).nextOffsets());
            long beforeLastPoll = System.currentTimeMillis(); // its last poll() starts after this
            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(lone, TIMEOUT);
            long lastPoll = System.currentTimeMillis(); // and returned before this
            await("the lone member is out of the group (its poll interval passed)").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group).members().isEmpty());
            long outAfter = System.currentTimeMillis() - lastPoll;
            Claims.figure(Figure.bars(protocol + ": the lone member", "ms").value("out, after its last poll()", outAfter)
                    .marker("max.poll.interval.ms", MAX_POLL_INTERVAL_MS));
            long heartbeat = Members.heartbeatIntervalMs(kafka.backend(), protocol);
            assertTrue(System.currentTimeMillis() - beforeLastPoll >= MAX_POLL_INTERVAL_MS, protocol + ": not out before "
                    + "max.poll.interval.ms (" + MAX_POLL_INTERVAL_MS + " ms) had passed since its last poll()");
            assertTrue(outAfter <= MAX_POLL_INTERVAL_MS + heartbeat + LoadedMachine.SLACK_MS, protocol + ": out "
                    + outAfter + " ms after its last poll(): at most max.poll.interval.ms (" + MAX_POLL_INTERVAL_MS + ") + a "
                    + "heartbeat interval (" + heartbeat + ", when the client acts on it) + " + LoadedMachine.SLACK_MS
                    + " ms for a loaded machine");

            TopicPartition tp = new TopicPartition(topic, 0);
            if (protocol.equals("consumer")) {
                lone.commitSync(batch.nextOffsets());
                assertEquals(batch.nextOffsets().get(tp).offset(), OffsetProbe.committed(kafka.admin(), group, tp),
                        "consumer protocol: the broker accepts an evicted member's commit when no other member is left");
            } else {
                CommitFailedException refused = assertThrows(CommitFailedException.class, () -> lone.commitSync(batch.nextOffsets()),
                        "classic: the evicted member's commit fails even alone");
                assertTrue(refused.getMessage().contains(WHY_REFUSED.get("classic")),
                        "classic: the client refuses it itself, not being in an active group; was: " + refused.getMessage());
                assertEquals(5L, OffsetProbe.committed(kafka.admin(), group, tp), "the group keeps its first commit, 5");
            }
        }
    }

    /**
     * The consumer-protocol client (Kafka 4.4) checks max.poll.interval.ms when its background
     * thread wakes: with a member that only processes, at its next heartbeat
     * ({@code ConsumerNetworkThread.runOnce} sleeps until then; {@code AbstractHeartbeatRequestManager.poll}
     * then sends the leave). A commit wakes it too, and goes out first ({@code RequestManagers}
     * polls the commit manager before the heartbeat manager): so a commit after an overrun, but
     * before that heartbeat, still succeeds, and then the member leaves. The group's heartbeat
     * interval is set to 8 s (group config consumer.heartbeat.interval.ms) to make that window wide.
     * Every heartbeat the client sends restarts that interval
     * ({@code AbstractHeartbeatRequestManager.makeHeartbeatRequest} resets its timer), and the
     * member sends none before it subscribes: so no regular heartbeat, and no leave at one, comes
     * before subscribe() + 8 s. A member out before then did not wait for its heartbeat.
     */
    @Test
    @Claim("4.poll-interval")
    void aConsumerProtocolMemberActsOnItsOverrunOnlyWhenItsClientWakesSoACommitBeforeThatSucceeds(LabKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("late-check", 1);
        String group = kafka.newGroupId("late-check");
        // Kafka requires it to exceed the heartbeat interval (GroupConfig.validateSessionExceedsHeartbeat); a loaded
        // machine's slack more, so that the session never ends the member before that heartbeat could.
        long session = Math.max(LATE_CHECK_HEARTBEAT_MS + LoadedMachine.SLACK_MS,
                kafka.settings().value(BrokerSettings.CONSUMER_MIN_SESSION));
        ConfigResource groupConfig = new ConfigResource(ConfigResource.Type.GROUP, group);
        kafka.admin().incrementalAlterConfigs(Map.of(groupConfig, List.of(
                new AlterConfigOp(new ConfigEntry("consumer.heartbeat.interval.ms", Long.toString(LATE_CHECK_HEARTBEAT_MS)),
                        AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", Long.toString(session)), AlterConfigOp.OpType.SET))))
                .all().get();
        kafka.produce(topic, 0, 10);
        Map<String, Object> config = Members.config(kafka.backend(), group, "consumer", MAX_POLL_INTERVAL_MS);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(config)) {
            long subscribedAt = System.currentTimeMillis(); // before the member's first heartbeat
            member.subscribe(List.of(topic));
            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(member, TIMEOUT); // right after the assignment's heartbeat

            slowProcessing(Duration.ofMillis(LATE_CHECK_PROCESSING_MS)); // 1 s over max.poll.interval.ms, no heartbeat due

            member.commitSync(batch.nextOffsets());
            long committedAt = System.currentTimeMillis();
            assertEquals(5L, OffsetProbe.committed(kafka.admin(), group, new TopicPartition(topic, 0)),
                    "1 s past max.poll.interval.ms, the client has not acted on it yet: the commit goes through");
            await("the member leaves once its client is awake").atMost(TIMEOUT)
                    .until(() -> kafka.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get()
                            .members().isEmpty());
            long leftAt = System.currentTimeMillis();
            long firstRegularHeartbeat = subscribedAt + LATE_CHECK_HEARTBEAT_MS; // the earliest one possible, see above
            assertTrue(leftAt < firstRegularHeartbeat, "the commit woke the client, which then sent its leave heartbeat: out "
                    + (leftAt - committedAt) + " ms after the commit and " + (leftAt - subscribedAt) + " ms after subscribe(), "
                    + "expected before its next regular heartbeat, which comes no sooner than " + LATE_CHECK_HEARTBEAT_MS
                    + " ms (the group's heartbeat interval) after subscribe()");
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim({"4.slow-vs-session", "5.timeouts"})
    void processingLongerThanTheSessionTimeoutButShorterThanMaxPollIntervalDoesNotEvict(String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("heartbeat", 1);
        kafka.produce(topic, 0, 5);
        int processing = Members.longerThanTheSessionMs(kafka.backend(), protocol);
        RebalanceCounter rebalances = new RebalanceCounter();
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(
                Members.config(kafka.backend(), kafka.newGroupId("heartbeat"), protocol, 2 * processing))) {
            member.subscribe(List.of(topic), rebalances);
            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(member, TIMEOUT);

            long processingStarted = System.currentTimeMillis();
            slowProcessing(Duration.ofMillis(processing)); // longer than the session timeout, no poll()
            long processedFor = System.currentTimeMillis() - processingStarted;

            member.commitSync(batch.nextOffsets()); // succeeds: still a member
            member.poll(Duration.ofMillis(100));
            Claims.figure(Figure.bars(protocol + ": processing longer than the session, shorter than max.poll.interval.ms", "ms")
                    .value("processing, no poll()", processedFor)
                    .marker("session timeout", Members.sessionTimeoutMs(kafka.backend(), protocol))
                    .marker("max.poll.interval.ms", 2 * processing)
                    .note("then commitSync() succeeded; partitions revoked or lost: " + rebalances.revokedOrLost.get()));
            assertEquals(0, rebalances.revokedOrLost.get(), protocol + ": no partition was revoked or lost: heartbeats come "
                    + "from a background thread, so only max.poll.interval.ms (not session.timeout.ms) bounds processing time");
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("4.raise-and-poll")
    void pausingAndPollingOnWhileAWorkerProcessesAvoidsEvictionAndDuplicates(String protocol, LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("pause", 1);
        kafka.produce(topic, 0, 10);
        Map<String, Object> config = Members.config(kafka.backend(), kafka.newGroupId("pause"), protocol, MAX_POLL_INTERVAL_MS);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        RebalanceCounter rebalances = new RebalanceCounter();
        List<Long> processed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong longestBatchMs = new AtomicLong();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(config)) {
            member.subscribe(List.of(topic), rebalances);
            Future<?> work = null;
            Map<TopicPartition, OffsetAndMetadata> done = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (processed.size() < 10 && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = member.poll(Duration.ofMillis(100)); // keeps the member alive
                if (!records.isEmpty()) {
                    member.pause(member.assignment()); // no more records until this batch is done
                    done = records.nextOffsets();
                    work = worker.submit(() -> {
                        long started = System.currentTimeMillis();
                        slowProcessing(Duration.ofMillis(MAX_POLL_INTERVAL_MS + 1000)); // longer than max.poll.interval.ms
                        records.forEach(r -> processed.add(r.offset()));
                        longestBatchMs.accumulateAndGet(System.currentTimeMillis() - started, Math::max);
                    });
                }
                if (work != null && work.isDone()) {
                    work.get();
                    member.commitSync(done);
                    member.resume(member.paused());
                    work = null;
                }
            }
            Claims.figure(Figure.bars(protocol + ": pause(), process on a worker thread, keep polling", "ms")
                    .value("the longest batch's processing", longestBatchMs.get())
                    .marker("max.poll.interval.ms", MAX_POLL_INTERVAL_MS)
                    .note(processed.size() + " records processed, " + new java.util.HashSet<>(processed).size()
                            + " distinct; partitions revoked or lost: " + rebalances.revokedOrLost.get()));
            // Checked before close(), which revokes the partitions itself.
            assertEquals(0, rebalances.revokedOrLost.get(), protocol + ": the member was never evicted");
        } finally {
            worker.shutdownNow();
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), processed,
                "every record processed exactly once, although each batch took longer than max.poll.interval.ms");
    }

    /** Sleeping IS the behaviour here: processing that takes this long, without calling poll(). */
    static void slowProcessing(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Counts partitions taken away from a member: revoked (a rebalance) or lost (eviction). */
    static final class RebalanceCounter implements ConsumerRebalanceListener {
        final AtomicInteger revokedOrLost = new AtomicInteger();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revokedOrLost.addAndGet(partitions.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            revokedOrLost.addAndGet(partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}

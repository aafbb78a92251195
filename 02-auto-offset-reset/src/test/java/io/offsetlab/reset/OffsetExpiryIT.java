package io.offsetlab.reset;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.reset.ResetProbe.Outcome;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §2, "offsets expired: older than offsets.retention.minutes (default 7 days), Kafka deletes
 * them". Precisely (KIP-211), on a broker with offsets.retention.minutes=1 (its minimum)
 * checking every second: an EMPTY group's offsets expire; a live group keeps them however old
 * its last commit; a standalone assign() consumer's offsets expire counting from its last
 * commit. The two group protocols differ in when the clock starts for a group that empties.
 *
 * <p>All scenarios start together in {@code @BeforeAll} and share one wait of about 70 s; the
 * tests then check each one. They run in order, because "kept past the retention" can only be
 * checked while the retention has not yet run out for those groups. An {@link ExpiryWatch}
 * started in the setup notes when each offset that should expire is first seen gone, so that
 * a test checks when it expired, not when the test looked: between the retention and the
 * retention plus {@link #EXPIRY_MARGIN} after the commit its clock starts from.
 */
@KafkaLab(brokerConfig = {"offsets.retention.minutes=1", "offsets.retention.check.interval.ms=1000"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
@Claim("2.expiry")
class OffsetExpiryIT {

    private static final Duration RETENTION = Duration.ofMinutes(1);
    /** How long the late leavers stay in their groups after their last commit. */
    private static final Duration STAY_LIVE = Duration.ofSeconds(25);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How late after its retention an offset may be seen gone: the broker checks every 1 s
     * (offsets.retention.check.interval.ms), the watch every 200 ms; the rest is a loaded
     * machine's margin. Far less than the 25 s that separate the clocks the tests tell apart.
     */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    private static final int RECORDS = 5;

    private LabKafka kafka;
    private TopicPartition tp;
    private Member emptyClassic;
    private Member liveClassic;
    private Member liveConsumerProtocol;
    private Member standalone;
    private Member lateClassic;
    private Member lateConsumerProtocol;
    private long emptyClassicGoneAt;
    private TopicPartition dropped;
    private final Map<String, Unsubscriber> unsubscribers = new HashMap<>();
    private TopicPartition idle;
    private TopicPartition busy;
    private PerPartition perPartition;
    private final ExpiryWatch watch = new ExpiryWatch();

    /**
     * Polls the offsets that should expire every 200 ms, from the setup on, and notes when
     * each is first seen gone.
     */
    private final class ExpiryWatch {
        private record Watched(String group, TopicPartition partition) {
        }

        private final ScheduledExecutorService every200ms = Executors.newSingleThreadScheduledExecutor();
        private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
        private final Map<Watched, Long> goneAt = new ConcurrentHashMap<>();

        void watch(String group, TopicPartition partition) {
            watched.add(new Watched(group, partition));
        }

        void start() {
            every200ms.scheduleWithFixedDelay(this::look, 0, 200, TimeUnit.MILLISECONDS);
        }

        private void look() {
            for (Watched w : watched) {
                try {
                    if (!goneAt.containsKey(w) && OffsetProbe.committed(kafka.admin(), w.group(), w.partition()) == null) {
                        goneAt.put(w, System.currentTimeMillis());
                    }
                } catch (RuntimeException e) {
                    // no answer this time; the next look asks again
                }
            }
        }

        /** When the offset of {@code group} for {@code partition} was first seen gone; waits up to {@code timeout}. */
        long goneAt(String group, TopicPartition partition, Duration timeout) {
            Watched w = new Watched(group, partition);
            await(group + "'s offset of " + partition + " to expire").atMost(timeout).until(() -> goneAt.containsKey(w));
            return goneAt.get(w);
        }

        void stop() {
            every200ms.shutdownNow();
        }
    }

    /** A consumer that committed offset 5 and, maybe, left its group; with the times it did so. */
    private final class Member {
        final String group;
        final KafkaConsumer<String, String> consumer;
        long commitStart;
        long commitEnd;
        long leaveStart;
        long leaveEnd;

        Member(String name, String protocol, boolean subscribe) {
            group = kafka.newGroupId(name);
            consumer = kafka.consumer(group, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
            if (subscribe) {
                consumer.subscribe(List.of(tp.topic()));
            } else {
                consumer.assign(List.of(tp)); // standalone: no group membership, commits only
            }
            Polling.pollAtLeast(consumer, RECORDS, TIMEOUT);
            commit();
        }

        /** Commits its position, 5: a commit again is the same offset with a new commit time. */
        void commit() {
            commitStart = System.currentTimeMillis();
            consumer.commitSync();
            commitEnd = System.currentTimeMillis();
        }

        void leave() {
            leaveStart = System.currentTimeMillis();
            consumer.close(); // the last member leaves: the group becomes Empty
            leaveEnd = System.currentTimeMillis();
        }

        Long committed() {
            return committedOffset(group);
        }
    }

    /**
     * A live member that committed 5 on two topics, then subscribed to one of them only: it stays
     * in the group, which no longer subscribes to the other topic.
     */
    private final class Unsubscriber {
        final String group;
        final KafkaConsumer<String, String> consumer;
        final long commitStart;
        final long commitEnd;

        Unsubscriber(String protocol) {
            group = kafka.newGroupId("unsubscribed-" + protocol);
            consumer = kafka.consumer(group, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
            consumer.subscribe(List.of(tp.topic(), dropped.topic()));
            Polling.pollAtLeast(consumer, 2 * RECORDS, TIMEOUT);
            commitStart = System.currentTimeMillis();
            consumer.commitSync(); // 5 on both topics
            commitEnd = System.currentTimeMillis();
            watch.watch(group, dropped);
            consumer.subscribe(List.of(tp.topic())); // still a member: the group drops only the other topic
            Polling.pollUntil(consumer, TIMEOUT, "the consumer to hold " + tp + " alone", () -> consumer.assignment().equals(Set.of(tp)));
        }
    }

    /**
     * A consumer-protocol member of a 2-partition topic that commits both partitions first, and
     * commits the busy one again just before it leaves with the late leavers: its two
     * partitions' last commits are 25 s apart.
     */
    private final class PerPartition {
        final String group;
        final KafkaConsumer<String, String> consumer;
        long idleCommitStart;
        long idleCommitEnd;
        long busyCommitStart;
        long busyCommitEnd;
        long leaveEnd;

        PerPartition() {
            group = kafka.newGroupId("per-partition");
            consumer = kafka.consumer(group, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
            consumer.subscribe(List.of(idle.topic()));
            Polling.pollAtLeast(consumer, 2 * RECORDS, TIMEOUT);
            commitBothPartitions();
        }

        void commitBothPartitions() {
            idleCommitStart = System.currentTimeMillis();
            consumer.commitSync(); // 5 on both partitions
            idleCommitEnd = System.currentTimeMillis();
        }

        void commitTheBusyPartitionAgainAndLeave() {
            busyCommitStart = System.currentTimeMillis();
            consumer.commitSync(Map.of(busy, new OffsetAndMetadata(RECORDS))); // the same offset, a new commit time
            busyCommitEnd = System.currentTimeMillis();
            consumer.close();
            leaveEnd = System.currentTimeMillis();
        }
    }

    @BeforeAll
    void startEveryScenarioThenWaitOnce(LabKafka kafka) {
        this.kafka = kafka;
        tp = new TopicPartition(kafka.createTopic("expiry", 1), 0);
        kafka.produce(tp.topic(), 0, RECORDS);
        dropped = new TopicPartition(kafka.createTopic("dropped", 1), 0);
        kafka.produce(dropped.topic(), 0, RECORDS);
        String twoPartitions = kafka.createTopic("per-partition", 2);
        idle = new TopicPartition(twoPartitions, 0);
        busy = new TopicPartition(twoPartitions, 1);
        kafka.produce(twoPartitions, 0, RECORDS);
        kafka.produce(twoPartitions, 1, RECORDS);

        watch.start(); // from here on: an offset that should expire is seen gone within 200 ms

        // Every member joins and commits first, however long that takes on a loaded machine.
        lateClassic = new Member("late-classic", "classic", true);
        lateConsumerProtocol = new Member("late-consumer", "consumer", true);
        liveClassic = new Member("live-classic", "classic", true);
        liveConsumerProtocol = new Member("live-consumer", "consumer", true);
        standalone = new Member("standalone", "classic", false);
        watch.watch(standalone.group, tp);
        for (String protocol : List.of("classic", "consumer")) {
            unsubscribers.put(protocol, new Unsubscriber(protocol));
        }
        perPartition = new PerPartition();
        emptyClassic = new Member("empty-classic", "classic", true);

        // Then the clocks the tests compare start within a second, whatever the joins took: the
        // late leavers commit again (the same offsets, a new commit time) just before the empty
        // group's clock starts, so that when its offsets expire their last commits are older
        // than the retention, and they leave STAY_LIVE after that commit.
        lateClassic.commit();
        lateConsumerProtocol.commit();
        perPartition.commitBothPartitions();
        emptyClassic.leave();
        watch.watch(lateConsumerProtocol.group, tp);
        watch.watch(perPartition.group, idle);
        watch.watch(perPartition.group, busy);
        letTheLateLeaversStayLive();
        lateClassic.leave();
        lateConsumerProtocol.leave();
        perPartition.commitTheBusyPartitionAgainAndLeave();

        await("the empty classic group's offsets expire").atMost(RETENTION.plus(TIMEOUT)).pollInterval(Duration.ofMillis(200))
                .until(() -> emptyClassic.committed() == null);
        emptyClassicGoneAt = System.currentTimeMillis();
    }

    /** Time passing IS the behaviour here: the late leavers' last commit ages while they stay in the group. */
    private static void letTheLateLeaversStayLive() {
        try {
            Thread.sleep(STAY_LIVE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void closeTheLiveMembers() {
        watch.stop();
        for (Member member : List.of(liveClassic, liveConsumerProtocol, standalone)) {
            if (member != null) {
                member.consumer.close();
            }
        }
        unsubscribers.values().forEach(u -> u.consumer.close());
    }

    @Test
    @Order(1)
    @Claim("5.retention")
    void aLiveClassicGroupKeepsItsOffsetsPastTheRetention() {
        assertKeptPastRetention(liveClassic, "a Stable classic group subscribed to the topic never expires its offsets");
    }

    @Test
    @Order(2)
    @Claim("5.retention")
    void aLiveConsumerProtocolGroupKeepsItsOffsetsPastTheRetention() {
        assertKeptPastRetention(liveConsumerProtocol, "a consumer-protocol group with a member subscribed to the topic keeps them too");
    }

    @Test
    @Order(3)
    void aClassicGroupsClockStartsWhenItBecomesEmpty() {
        long sinceEmpty = System.currentTimeMillis() - lateClassic.leaveEnd;
        assertTrue(sinceEmpty < RETENTION.toMillis(), "precondition: checked within the retention after the group emptied ("
                + sinceEmpty + " ms); the machine was too slow for this check");
        Claims.figure(clock("classic group", lateClassic).value("offsets still there", seconds(System.currentTimeMillis()
                - lateClassic.commitEnd)));
        assertKeptPastRetention(lateClassic, "classic: the last commit is older than the retention, but the group has been "
                + "empty for only " + sinceEmpty / 1000 + " s: the clock starts when the group becomes Empty (KIP-211)");
    }

    @Test
    @Order(4)
    void aConsumerProtocolGroupsClockStartsAtItsLastCommit() {
        long goneAt = watch.goneAt(lateConsumerProtocol.group, tp, TIMEOUT);
        Claims.figure(clock("consumer-protocol group", lateConsumerProtocol)
                .value("offsets gone", seconds(goneAt - lateConsumerProtocol.commitEnd)));
        assertExpiredOneRetentionAfter(lateConsumerProtocol.commitStart, lateConsumerProtocol.commitEnd, goneAt,
                "consumer protocol: the clock starts at the last commit");
        assertTrue(goneAt - lateConsumerProtocol.leaveStart < RETENTION.toMillis(),
                "consumer protocol (KIP-848): gone " + (goneAt - lateConsumerProtocol.leaveStart) / 1000 + " s after the group "
                        + "emptied, less than the retention: its clock runs from the last commit, unlike classic's");
    }

    @Test
    @Order(5)
    void aStandaloneConsumersOffsetsExpireFromItsLastCommitWhileItRuns() {
        long goneAt = watch.goneAt(standalone.group, tp, TIMEOUT);
        Claims.figure(Figure.bars("standalone assign() consumer, still running: from its last commit", "s")
                .value("offsets gone", seconds(goneAt - standalone.commitEnd)).marker("retention (offsets.retention.minutes=" + RETENTION.toMinutes() + ")", RETENTION.toSeconds()));
        assertExpiredOneRetentionAfter(standalone.commitStart, standalone.commitEnd, goneAt,
                "a standalone consumer's clock is its last commit, though it still runs");
        assertEquals(RECORDS, standalone.consumer.position(tp),
                "the assign() consumer is still running at its position: running does not protect its offsets, only committing does");
    }

    @Test
    @Order(6)
    @Claim("5.retention")
    void anEmptyGroupsOffsetsExpireAfterTheRetentionAndThenThePolicyApplies() {
        Claims.figure(clock("classic group, empty", emptyClassic).value("offsets gone", seconds(emptyClassicGoneAt
                - emptyClassic.commitEnd)));
        assertExpiredOneRetentionAfter(emptyClassic.leaveStart, emptyClassic.leaveEnd, emptyClassicGoneAt,
                "an empty classic group's clock starts when it becomes Empty");

        Outcome earliest = ResetProbe.start(kafka.backend(), emptyClassic.group, tp, "earliest", TIMEOUT);
        assertEquals(new Outcome("earliest", 0L, RECORDS, 0, null), earliest,
                "with its offsets expired the group starts over: earliest re-reads all 5 records it had already consumed");
        Outcome none = ResetProbe.start(kafka.backend(), emptyClassic.group, tp, "none", TIMEOUT);
        assertEquals("NoOffsetForPartitionException", none.exception(), "and none finds no offset at all");
    }

    /**
     * KIP-211 works per topic: Kafka 4.4's OffsetMetadataManager.cleanupExpiredOffsets expires only
     * the offsets of topics the group does not subscribe to, so a live group loses those of a topic
     * it dropped, counted from their commit (the offset-expiration condition of a Stable classic
     * group, and of every consumer-protocol group, is the commit time).
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Order(7)
    void aLiveGroupLosesTheOffsetsOfATopicItNoLongerSubscribesToAndKeepsTheOthers(String protocol) {
        Unsubscriber unsubscribed = unsubscribers.get(protocol);
        long goneAt = watch.goneAt(unsubscribed.group, dropped, TIMEOUT);
        assertExpiredOneRetentionAfter(unsubscribed.commitStart, unsubscribed.commitEnd, goneAt, protocol
                + ": the dropped topic's offset expires, though the group is live, one retention after its commit");
        assertEquals(RECORDS, OffsetProbe.committed(kafka.admin(), unsubscribed.group, tp), protocol
                + ": the topic the group still subscribes to keeps its offset, as old as the dropped one's");
    }

    /**
     * The consumer protocol's clock is each partition's own last commit (ConsumerGroup.offsetExpirationCondition
     * in Kafka 4.4): two partitions of one group, committed 25 s apart, expire 25 s apart.
     */
    @Test
    @Order(8)
    void aConsumerProtocolGroupCountsEachPartitionFromItsOwnLastCommit() {
        long idleGoneAt = watch.goneAt(perPartition.group, idle, TIMEOUT);
        assertExpiredOneRetentionAfter(perPartition.idleCommitStart, perPartition.idleCommitEnd, idleGoneAt,
                "the idle partition's clock is its own last commit");
        assertTrue(idleGoneAt - perPartition.leaveEnd < RETENTION.toMillis(), "the idle partition's offset went "
                + (idleGoneAt - perPartition.leaveEnd) / 1000 + " s after the group emptied, less than the retention: "
                + "its clock started at its own last commit");
        long busyGoneAt = watch.goneAt(perPartition.group, busy, RETENTION.plus(TIMEOUT));
        assertExpiredOneRetentionAfter(perPartition.busyCommitStart, perPartition.busyCommitEnd, busyGoneAt,
                "the busy partition's clock is its own last commit");
        long busyGoneAfter = busyGoneAt - perPartition.busyCommitStart;
        Claims.figure(Figure.bars("per partition: each offset went after its own last commit", "s")
                .value("the idle partition's", (idleGoneAt - perPartition.idleCommitEnd) / 1000)
                .value("the busy one's", busyGoneAfter / 1000).marker("retention (offsets.retention.minutes=" + RETENTION.toMinutes() + ")", RETENTION.toSeconds()));
    }

    /** A group's expiry clocks from its last commit: when it emptied, against the retention (the caller adds what happened). */
    private static Figure clock(String kind, Member member) {
        return Figure.bars(kind + ": from its last commit", "s").value("group emptied", seconds(member.leaveEnd - member.commitEnd))
                .marker("retention (offsets.retention.minutes=" + RETENTION.toMinutes() + ")", RETENTION.toSeconds());
    }

    /** Milliseconds as seconds, to a tenth. */
    private static double seconds(long millis) {
        return Math.round(millis / 100.0) / 10.0;
    }

    /**
     * The offset went at least a retention after {@code clockStart} (the earliest the clock can
     * have started) and at most a retention plus {@link #EXPIRY_MARGIN} after {@code clockEnd}.
     */
    private static void assertExpiredOneRetentionAfter(long clockStart, long clockEnd, long goneAt, String why) {
        long afterStart = goneAt - clockStart;
        long afterEnd = goneAt - clockEnd;
        assertTrue(afterStart >= RETENTION.toMillis(), why + ": never before the retention (" + RETENTION.toSeconds()
                + " s); gone " + afterStart + " ms after");
        assertTrue(afterEnd <= RETENTION.plus(EXPIRY_MARGIN).toMillis(), why + ": gone within " + EXPIRY_MARGIN.toSeconds()
                + " s of the retention, " + afterEnd + " ms after; a later clock start would take longer");
    }

    private void assertKeptPastRetention(Member member, String why) {
        long age = System.currentTimeMillis() - member.commitEnd;
        assertTrue(age > RETENTION.toMillis(), "precondition: the last commit is older than the retention (" + age + " ms)");
        Long committed = member.committed();
        assertNotNull(committed, why + "; but they are gone");
        assertEquals(RECORDS, committed, why);
    }

    private Long committedOffset(String group) {
        return OffsetProbe.committed(kafka.admin(), group, tp);
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.OffsetProbe;
import io.offsetlab.lab.Polling;
import io.offsetlab.reset.ResetProbe.Outcome;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * checked while the retention has not yet run out for those groups.
 */
@KafkaLab(brokerConfig = {"offsets.retention.minutes=1", "offsets.retention.check.interval.ms=1000"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class OffsetExpiryIT {

    private static final Duration RETENTION = Duration.ofMinutes(1);
    /** How long the late leavers stay in their groups after their last commit. */
    private static final Duration STAY_LIVE = Duration.ofSeconds(25);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
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

    /** A consumer that committed offset 5 and, maybe, left its group; with the times it did so. */
    private final class Member {
        final String group;
        final KafkaConsumer<String, String> consumer;
        final long commitStart;
        final long commitEnd;
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

    @BeforeAll
    void startEveryScenarioThenWaitOnce(LabKafka kafka) {
        this.kafka = kafka;
        tp = new TopicPartition(kafka.createTopic("expiry", 1), 0);
        kafka.produce(tp.topic(), 0, RECORDS);

        // Every other member commits before the empty group's clock starts, so that when its
        // offsets expire all the other last commits are older than the retention.
        lateClassic = new Member("late-classic", "classic", true);
        lateConsumerProtocol = new Member("late-consumer", "consumer", true);
        liveClassic = new Member("live-classic", "classic", true);
        liveConsumerProtocol = new Member("live-consumer", "consumer", true);
        standalone = new Member("standalone", "classic", false);
        emptyClassic = new Member("empty-classic", "classic", true);
        emptyClassic.leave();

        letTheLateLeaversStayLive();
        lateClassic.leave();
        lateConsumerProtocol.leave();

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
        for (Member member : List.of(liveClassic, liveConsumerProtocol, standalone)) {
            if (member != null) {
                member.consumer.close();
            }
        }
    }

    @Test
    @Order(1)
    void aLiveClassicGroupKeepsItsOffsetsPastTheRetention() {
        assertKeptPastRetention(liveClassic, "a Stable classic group subscribed to the topic never expires its offsets");
    }

    @Test
    @Order(2)
    void aLiveConsumerProtocolGroupKeepsItsOffsetsPastTheRetention() {
        assertKeptPastRetention(liveConsumerProtocol, "a consumer-protocol group with a member subscribed to the topic keeps them too");
    }

    @Test
    @Order(3)
    void aClassicGroupsClockStartsWhenItBecomesEmpty() {
        long sinceEmpty = System.currentTimeMillis() - lateClassic.leaveEnd;
        assertTrue(sinceEmpty < RETENTION.toMillis(), "precondition: checked within the retention after the group emptied ("
                + sinceEmpty + " ms); the machine was too slow for this check");
        assertKeptPastRetention(lateClassic, "classic: the last commit is older than the retention, but the group has been "
                + "empty for only " + sinceEmpty / 1000 + " s: the clock starts when the group becomes Empty (KIP-211)");
    }

    @Test
    @Order(4)
    void aConsumerProtocolGroupsClockStartsAtItsLastCommit() {
        await("the late consumer-protocol group's offsets expire").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> lateConsumerProtocol.committed() == null);
        long goneAt = System.currentTimeMillis();
        assertTrue(goneAt - lateConsumerProtocol.commitStart >= RETENTION.toMillis(),
                "never before the retention has passed since the last commit");
        assertTrue(goneAt - lateConsumerProtocol.leaveStart < RETENTION.toMillis(),
                "consumer protocol (KIP-848): gone " + (goneAt - lateConsumerProtocol.leaveStart) / 1000 + " s after the group "
                        + "emptied, less than the retention: its clock runs from the last commit, unlike classic's");
    }

    @Test
    @Order(5)
    void aStandaloneConsumersOffsetsExpireFromItsLastCommitWhileItRuns() {
        await("the standalone consumer's offsets expire").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> standalone.committed() == null);
        long goneAt = System.currentTimeMillis();
        assertTrue(goneAt - standalone.commitStart >= RETENTION.toMillis(), "never before the retention since the last commit");
        assertEquals(RECORDS, standalone.consumer.position(tp),
                "the assign() consumer is still running at its position: running does not protect its offsets, only committing does");
    }

    @Test
    @Order(6)
    void anEmptyGroupsOffsetsExpireAfterTheRetentionAndThenThePolicyApplies() {
        long emptyFor = emptyClassicGoneAt - emptyClassic.leaveStart;
        assertTrue(emptyFor >= RETENTION.toMillis(), "expired only after the retention (" + emptyFor + " ms after emptying)");

        Outcome earliest = ResetProbe.start(kafka.backend(), emptyClassic.group, tp, "earliest", TIMEOUT);
        assertEquals(new Outcome("earliest", 0L, RECORDS, 0, null), earliest,
                "with its offsets expired the group starts over: earliest re-reads all 5 records it had already consumed");
        Outcome none = ResetProbe.start(kafka.backend(), emptyClassic.group, tp, "none", TIMEOUT);
        assertEquals("NoOffsetForPartitionException", none.exception(), "and none finds no offset at all");
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

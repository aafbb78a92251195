package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.LoadedMachine;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Report;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §6 beyond the article, §4's question for share groups: what happens to a slow member's and a
 * crashed member's records. A share group has no partition to hand over: each record is locked
 * to the member that acquired it for share.record.lock.duration.ms (a group config; the broker
 * bounds it with group.share.min/max.record.lock.duration.ms, 15-60 s by default, 1 s minimum on
 * the lab broker), and goes back when the lock expires or the member's connection closes.
 */
@KafkaLab
class LockExpiryIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The max.poll.interval.ms of the member that stops polling: short, so the test is. */
    private static final int STOPPED_POLL_INTERVAL_MS = 3000;
    /** The lock the slow-member test asks for; the broker's bounds may raise it (15 s on a stock broker). */
    private static final long SLOW_LOCK_MS = 3_000;

    /**
     * A member that acquires 3 records and then does nothing with them (slow processing) keeps
     * their lock for the lock duration; then the broker makes them available again (Kafka's
     * {@code SharePartition.releaseAcquisitionLockOnTimeout}), and another member of the group gets
     * them, each with its delivery count raised to 2. The slow member is still in the group
     * afterwards (Admin describeShareGroups lists both members): no eviction, nothing about its
     * session or its heartbeats matters, only the lock.
     */
    @Test
    @Claim("6.lock")
    void aRecordNotAcknowledgedWithinTheLockDurationGoesToAnotherMemberWithItsDeliveryCountRaised(LabKafka kafka)
            throws Exception {
        long lockMs = ShareKit.settings(kafka).lockDurationMs(SLOW_LOCK_MS);
        String topic = kafka.createTopic("share-slow", 1);
        String group = ShareKit.earliestGroup(kafka, "share-slow", Map.of(ShareGroups.LOCK_DURATION, Long.toString(lockMs)));
        ShareKit.produce(kafka, topic, 3);
        // Named client ids, so that Admin describeShareGroups can tell the two members apart.
        String slowId = group + "-slow";
        String otherId = group + "-other";
        try (KafkaShareConsumer<String, String> slow = ShareKit.member(kafka, group, topic, "explicit", 10, slowId);
             KafkaShareConsumer<String, String> other = ShareKit.member(kafka, group, topic, "explicit", 10, otherId)) {
            // The broker acquires the records for the slow member while one of its polls runs: not
            // before the first poll starts (a share consumer fetches only when polled), and not
            // after the poll that returns them.
            long firstPollAt = System.nanoTime();
            List<ConsumerRecord<String, String>> held = ShareGroups.pollOnce(slow, TIMEOUT);
            long returnedAt = System.nanoTime();
            assertEquals(3, held.size(), "the slow member acquired the 3 records");
            // The slow member now "processes" and never polls or acknowledges again during this test.
            List<ConsumerRecord<String, String>> redelivered = ShareGroups.pollOnce(other, TIMEOUT.plusMillis(lockMs));
            long afterMs = msSince(returnedAt);
            long sinceFirstPollMs = msSince(firstPollAt);
            ShareKit.acceptAll(other, redelivered);
            Claims.figure(Figure.bars("a slow member's records, lock " + lockMs + " ms", "ms")
                    .value("given to the other member after", afterMs).marker("share.record.lock.duration.ms", lockMs)
                    .note("delivery counts " + redelivered.stream().map(ShareGroups::deliveries).toList()));
            assertEquals(List.of(0L, 1L, 2L), redelivered.stream().map(ConsumerRecord::offset).toList(),
                    "the other member gets the slow member's 3 records");
            // Each lock that expires adds one delivery. Usually the other member gets the records at the
            // first expiry (count 2); once, in CI on Testcontainers, they were acquired once more before
            // it got them (count 3), so the bounds below count the expiries the count says there were.
            int deliveries = ShareGroups.deliveries(redelivered.get(0));
            assertEquals(List.of(deliveries, deliveries, deliveries), redelivered.stream().map(ShareGroups::deliveries).toList(),
                    "the 3 records went through the same locks");
            assertTrue(deliveries >= 2, "delivered again, with the delivery count raised (was " + deliveries + ")");
            long expiries = deliveries - 1;
            assertTrue(sinceFirstPollMs >= expiries * lockMs, "not before " + expiries + " lock(s) of " + lockMs + " ms expired"
                    + " (got them " + sinceFirstPollMs + " ms after the slow member's first poll began)");
            assertTrue(afterMs <= expiries * lockMs + LoadedMachine.SLACK_MS, "soon after " + expiries + " lock(s) of " + lockMs
                    + " ms expired (got them after " + afterMs + " ms)");

            // No eviction: the lock expired, the member did not. Its heartbeats come from its background
            // thread; only max.poll.interval.ms without a poll() (5 min by default, far beyond this lock)
            // would make it leave (Kafka 4.4's ShareHeartbeatRequestManager: its poll timer, reset by every poll()).
            List<String> members = ShareKit.memberClientIds(kafka, group);
            Claims.figure("members after the lock expired: " + members.size() + " (the slow one "
                    + (members.contains(slowId) ? "still in" : "gone") + ")");
            assertEquals(List.of(otherId, slowId), members, "after its lock expired and its records went to the other "
                    + "member, the slow member is still in the share group (Admin describeShareGroups, client ids sorted)");
        }
    }

    /**
     * A member killed with SIGKILL while it holds 3 records: the operating system closes its
     * connections, and the partition leader releases the records of the member whose share
     * session used that connection at once (Kafka 4.4: {@code ShareSessionCache}'s connection
     * disconnect listener, then {@code SharePartitionManager.releaseSession}), long before their
     * lock (30 s here) would expire. The waiting member gets them, delivery count 2. Only a
     * member whose connection stays open (a hung process, a host gone without a reset) waits for
     * the lock.
     */
    @Test
    @Claim("6.crash")
    void aKilledMembersRecordsComeBackWhenItsConnectionClosesNotWhenTheLockExpires(LabKafka kafka) throws Exception {
        long lockMs = ShareKit.settings(kafka).lockDurationMs(30_000);
        String topic = kafka.createTopic("share-crash", 1);
        String group = ShareKit.earliestGroup(kafka, "share-crash", Map.of(ShareGroups.LOCK_DURATION, Long.toString(lockMs)));
        ShareKit.produce(kafka, topic, 3);
        long childStartedAt = System.nanoTime(); // the records' lock cannot start before this
        try (ChildJvm holder = ChildJvm.start(kafka.backend(), HoldingShareMember.class, topic, group, "3");
             KafkaShareConsumer<String, String> waiting = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            await().atMost(TIMEOUT).until(() -> !holder.reports(HoldingShareMember.ACQUIRED).isEmpty());
            Report acquired = holder.reports(HoldingShareMember.ACQUIRED).get(0);
            assertEquals("0,1,2", acquired.text("offsets"), "the member in the child JVM holds the 3 records");
            // The waiting member fetches once it knows its assignment (at a heartbeat: every 5 s on a
            // stock broker), and gets nothing while the records are held.
            await().atMost(TIMEOUT).until(() -> {
                assertTrue(waiting.poll(Duration.ofMillis(100)).isEmpty(), "nothing to get while the records are held");
                return ShareGroups.fetches(waiting) > 0;
            });

            holder.kill();
            long killedAt = System.nanoTime();
            List<ConsumerRecord<String, String>> back = ShareGroups.pollOnce(waiting, TIMEOUT.plusMillis(lockMs));
            long afterMs = msSince(killedAt);
            long sinceChildStartMs = msSince(childStartedAt);
            ShareKit.acceptAll(waiting, back);
            Claims.figure(Figure.bars("a member killed with SIGKILL, lock " + lockMs + " ms", "ms")
                    .value("its records back, after the kill", afterMs).marker("share.record.lock.duration.ms", lockMs)
                    .note(sinceChildStartMs + " ms after the holder's JVM started; delivery counts "
                            + back.stream().map(ShareGroups::deliveries).toList()));
            assertEquals(List.of(0L, 1L, 2L), back.stream().map(ConsumerRecord::offset).toList(),
                    "the killed member's 3 records go to the waiting member");
            assertEquals(List.of(2, 2, 2), back.stream().map(ShareGroups::deliveries).toList(), "their second delivery");
            assertTrue(sinceChildStartMs < lockMs, "before their " + lockMs + " ms lock could have expired: the closed "
                    + "connection released them (back " + afterMs + " ms after the kill, " + sinceChildStartMs
                    + " ms after the child JVM started)");
        }
    }

    /**
     * §6, §4's own question for a share consumer: max.poll.interval.ms applies to it too. Its
     * heartbeat manager keeps the consumer's poll timer ({@code AbstractHeartbeatRequestManager}):
     * a member that calls no poll() for longer leaves the group (the ledger row's "it stays in the
     * group" holds for a member that polls). Bounded by the setting plus one broker heartbeat
     * interval (the timer is checked when the member's background thread wakes to heartbeat) and
     * a loaded machine's slack.
     */
    @Test
    @Claim("6.lock")
    void aShareMemberThatStopsPollingLeavesTheGroupAfterMaxPollIntervalMs(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-poll-interval", 1);
        String group = ShareKit.earliestGroup(kafka, "share-poll-interval");
        ShareKit.produce(kafka, topic, 3);
        String clientId = group + "-stops";
        Map<String, Object> config = ShareGroups.consumerConfig(kafka.backend(), group, "implicit", 10);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, STOPPED_POLL_INTERVAL_MS); // Kafka's default: 300000
        long heartbeatMs = ShareKit.settings(kafka).value(ShareSettings.HEARTBEAT);
        try (KafkaShareConsumer<String, String> member = new KafkaShareConsumer<>(config)) {
            member.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = ShareGroups.pollOnce(member, TIMEOUT); // its last poll()
            long lastPollReturned = System.nanoTime();
            List<String> rightAfter = ShareKit.memberClientIds(kafka, group);
            Duration bound = Duration.ofMillis(STOPPED_POLL_INTERVAL_MS + heartbeatMs + LoadedMachine.SLACK_MS);
            await("the member that stopped polling leaves the group within " + bound.toMillis() + " ms").atMost(bound)
                    .until(() -> ShareKit.memberClientIds(kafka, group).isEmpty());
            long leftAfterMs = msSince(lastPollReturned);
            Claims.figure("a share member with max.poll.interval.ms=" + STOPPED_POLL_INTERVAL_MS + " that stopped polling"
                    + " was gone from the group " + leftAfterMs + " ms after its last poll() returned");
            assertEquals(3, got.size(), "its one poll() got the 3 records");
            assertEquals(List.of(clientId), rightAfter, "right after its poll() it is a member (describeShareGroups)");
        }
    }

    /** Milliseconds since {@code nanoTime}, a value of System.nanoTime(). */
    private static long msSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}

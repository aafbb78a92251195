package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §6 beyond the article, what "commit" means in a share group: not an offset, but one
 * acknowledgement per record. Explicit mode: {@code acknowledge(record, ACCEPT | RELEASE |
 * REJECT)}, sent by {@code commitSync()} (or with the next poll); implicit mode (the default):
 * the next poll() or commitSync() ACCEPTs everything the last poll() returned.
 */
@KafkaLab
class AcknowledgeIT {

    private static final Duration TIMEOUT = ShareKit.TIMEOUT;

    /** RELEASE gives the record back: the next poll delivers it again, delivery count 2; commitSync reports no error. */
    @Test
    @Claim("6.acknowledge")
    void releaseGivesARecordBackWithItsDeliveryCountRaised(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-release", 1);
        String group = ShareKit.earliestGroup(kafka, "share-release");
        ShareKit.produce(kafka, topic, 3);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> first = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(List.of(1, 1, 1), first.stream().map(ShareGroups::deliveries).toList(), "first deliveries");
            first.forEach(record -> member.acknowledge(record, record.offset() == 1 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT));
            Map<TopicIdPartition, Optional<KafkaException>> result = member.commitSync();
            assertEquals(1, result.size(), "commitSync sent the acknowledgements of one partition: " + result);
            assertTrue(result.values().iterator().next().isEmpty(), "and the broker took them without error: " + result);

            List<ConsumerRecord<String, String>> again = ShareGroups.pollOnce(member, TIMEOUT);
            Claims.figure("RELEASE of offset 1: delivered again as offsets " + again.stream().map(ConsumerRecord::offset).toList()
                    + ", delivery count " + again.stream().map(ShareGroups::deliveries).toList());
            assertEquals(List.of(1L), again.stream().map(ConsumerRecord::offset).toList(), "only the released record comes back");
            assertEquals(2, ShareGroups.deliveries(again.get(0)), "with its delivery count raised to 2");
            member.acknowledge(again.get(0), AcknowledgeType.ACCEPT);
            member.commitSync();
        }
    }

    /** REJECT archives a record at once: the lag counts it as done and the next poll skips it. */
    @Test
    @Claim("6.acknowledge")
    void rejectArchivesARecordAtOnce(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-reject", 1);
        String group = ShareKit.earliestGroup(kafka, "share-reject");
        ShareKit.produce(kafka, topic, 3);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> first = ShareGroups.pollOnce(member, TIMEOUT);
            first.forEach(record -> member.acknowledge(record, record.offset() == 1 ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT));
            member.commitSync();
            ShareKit.awaitLag(kafka, group, topic, 0, "offset 1 is archived, 0 and 2 accepted");
            ShareKit.produce(kafka, topic, 1);
            List<ConsumerRecord<String, String>> next = ShareGroups.pollOnce(member, TIMEOUT);
            Claims.figure("REJECT of offset 1: lag 0, next poll " + next.stream().map(ConsumerRecord::offset).toList());
            assertEquals(List.of(3L), next.stream().map(ConsumerRecord::offset).toList(),
                    "the rejected record is never delivered again: the next poll has only the new record");
            member.acknowledge(next.get(0), AcknowledgeType.ACCEPT);
            member.commitSync();
        }
    }

    /**
     * Implicit mode: nothing to call per record; commitSync() (or the next poll()) accepts all
     * that the last poll() returned. The modes do not mix: acknowledge() in implicit mode, and a
     * poll() in explicit mode with records left unacknowledged, throw IllegalStateException.
     */
    @Test
    @Claim("6.acknowledge")
    void implicitModeAcceptsWhatTheLastPollReturnedAndTheModesDoNotMix(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-implicit", 1);
        String group = ShareKit.earliestGroup(kafka, "share-implicit");
        ShareKit.produce(kafka, topic, 5);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "implicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(5, records.size(), "the 5 records");
            IllegalStateException notHere = assertThrows(IllegalStateException.class, () -> member.acknowledge(records.get(0)));
            assertEquals("Implicit acknowledgement of delivery is being used.", notHere.getMessage());
            Map<TopicIdPartition, Optional<KafkaException>> result = member.commitSync();
            assertTrue(result.values().stream().allMatch(Optional::isEmpty), "commitSync accepted the 5: " + result);
            ShareKit.awaitLag(kafka, group, topic, 0, "commitSync() accepted the 5 the poll returned");
            Claims.figure("implicit: 5 polled, commitSync() -> lag 0");
        }
        String explicitGroup = ShareKit.earliestGroup(kafka, "share-explicit");
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, explicitGroup, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(5, records.size(), "the 5 records");
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> member.poll(Duration.ofMillis(100)));
            assertEquals("All records must be acknowledged in explicit acknowledgement mode.", refused.getMessage());
            records.forEach(member::acknowledge); // acknowledge(record) is ACCEPT
            member.commitSync();
            ShareKit.awaitLag(kafka, explicitGroup, topic, 0, "the 5 acknowledged one by one");
        }
    }

    /**
     * Implicit mode, the other half: the next poll() accepts what the previous poll() returned.
     * 8 records, at most 3 per poll ({@code share.acquire.mode=record_limit}). The first 3 are
     * accepted by commitSync(), which gives Admin listShareGroupOffsets something to report:
     * start offset 0, lag 5. The next poll() returns 3, 4 and 5 and accepts nothing (lag still 5:
     * acquired is not done); the poll() after it returns 6 and 7, and its request carries the
     * acceptance of 3, 4 and 5: lag 2, exactly 3 fewer. The start offset reads 3, where the first
     * write left the partition leader's start offset (it trails by one write, see
     * {@code ShareOffsetsIT}). The acknowledgements go out with the poll, and the state write ends
     * after the poll may have returned, so the test waits (Awaitility) for the exact values.
     */
    @Test
    @Claim("6.acknowledge")
    void implicitModeAcceptsAtTheNextPollWhatThePreviousPollReturned(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-implicit-poll", 1);
        String group = ShareKit.earliestGroup(kafka, "share-implicit-poll");
        ShareKit.produce(kafka, topic, 8);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "implicit", 3)) {
            assertEquals(List.of(0L, 1L, 2L), offsets(ShareGroups.pollOnce(member, TIMEOUT)), "the first poll");
            member.commitSync();
            ShareKit.awaitOffsets(kafka, group, topic, 0, 5, "commitSync() accepted 0-2: 5 of 8 left");

            assertEquals(List.of(3L, 4L, 5L), offsets(ShareGroups.pollOnce(member, TIMEOUT)), "the second poll");
            assertEquals(List.of(0L, 5L), ShareKit.startAndLag(kafka, group, topic),
                    "[start offset, lag] after the second poll: nothing new accepted, 3-5 are acquired, not done");

            List<ConsumerRecord<String, String>> third = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(List.of(6L, 7L), offsets(third), "the third poll: the rest, none of 3-5 again");
            assertEquals(List.of(1, 1), third.stream().map(ShareGroups::deliveries).toList(), "first deliveries");
            ShareKit.awaitOffsets(kafka, group, topic, 3, 2, "the third poll accepted 3-5, which the second returned: "
                    + "lag 5 - 3 = 2 (6 and 7)");
            Claims.figure("implicit, 3 per poll, 8 records [start offset, lag]: commitSync() after 0-2 -> [0, 5]; "
                    + "the next poll (3-5) -> [0, 5]; the poll after it (6-7) -> [3, 2]");
        }
    }

    /**
     * RENEW (KIP-1222, Kafka 4.4): a member that needs longer than the lock keeps the record by
     * renewing its lock. The renewed record comes back in the member's next poll(), still its
     * first delivery; another member polling all along never gets it, for twice the lock
     * duration, until the first member ACCEPTs it.
     */
    @Test
    @Claim("6.acknowledge")
    void renewKeepsARecordPastItsLockDuration(LabKafka kafka) throws Exception {
        long lockMs = ShareKit.settings(kafka).lockDurationMs(6_000);
        String topic = kafka.createTopic("share-renew", 1);
        String group = ShareKit.earliestGroup(kafka, "share-renew", Map.of(ShareGroups.LOCK_DURATION, Long.toString(lockMs)));
        ShareKit.produce(kafka, topic, 1);
        try (KafkaShareConsumer<String, String> slow = ShareKit.member(kafka, group, topic, "explicit", 10);
             KafkaShareConsumer<String, String> other = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            ConsumerRecord<String, String> record = ShareGroups.pollOnce(slow, TIMEOUT).get(0);
            long acquiredAt = System.nanoTime();
            int renewals = 0;
            while (System.nanoTime() - acquiredAt < 2 * lockMs * 1_000_000) {
                // A third of a lock of waiting, spent polling as the other member: it must get nothing.
                // (Renewing every third of the lock leaves two thirds for a loaded machine.)
                assertTrue(other.poll(Duration.ofMillis(lockMs / 3)).isEmpty(), "the renewed record stays with its member");
                slow.acknowledge(record, AcknowledgeType.RENEW);
                slow.commitSync();
                List<ConsumerRecord<String, String>> renewed = ShareGroups.pollOnce(slow, TIMEOUT);
                assertEquals(List.of(record.offset()), renewed.stream().map(ConsumerRecord::offset).toList(),
                        "poll() returns the renewed record again");
                record = renewed.get(0);
                renewals++;
            }
            long heldMs = (System.nanoTime() - acquiredAt) / 1_000_000;
            int deliveries = ShareGroups.deliveries(record);
            slow.acknowledge(record, AcknowledgeType.ACCEPT);
            slow.commitSync();
            ShareKit.awaitLag(kafka, group, topic, 0, "the renewed record, accepted at last");
            Claims.figure(Figure.bars("RENEW, " + renewals + " times", "ms").value("record held", heldMs)
                    .marker("share.record.lock.duration.ms", lockMs)
                    .note("delivery count " + deliveries + ", never given to the other member"));
            assertEquals(1, deliveries, "renewing is not a new delivery");
        }
    }

    private static List<Long> offsets(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }
}

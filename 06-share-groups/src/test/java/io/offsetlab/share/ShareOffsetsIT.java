package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * §6 beyond the article, where a share group's "offset" is: no member has a committed offset;
 * each share partition has a start offset (SPSO) and the states of its in-flight records, and
 * Admin listShareGroupOffsets reports the SPSO and the lag (records not yet acknowledged).
 */
@KafkaLab
class ShareOffsetsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A freshly formatted 4.4 node finalizes share.version: share groups need no switch. */
    @Test
    @Claim("6.on")
    void shareGroupsAreOnWithoutAnySettingOnAFreshCluster(LabKafka kafka) throws Exception {
        ShareSettings settings = ShareKit.settings(kafka);
        assumeTrue(kafka.backend().description().contains("embedded") || settings.shareVersion() > 0,
                "this cluster has share.version " + settings.shareVersion() + ": share groups are off on it");
        Claims.figure("share.version=" + settings.shareVersion());
        assertTrue(settings.shareVersion() >= 1, "a node formatted by Kafka 4.4's StorageTool without --release-version "
                + "finalizes share.version (found " + settings.shareVersion() + ")");
        // ... and on the lab's single node a share consumer gets records (which needs the state topic at 1 replica).
        String topic = kafka.createTopic("share-on", 1);
        String group = ShareKit.earliestGroup(kafka, "share-on");
        ShareKit.produce(kafka, topic, 3);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "implicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(3, records.size(), "the share consumer got the 3 records within " + TIMEOUT.toSeconds() + " s");
        }
    }

    /**
     * The probe of the issue, on this broker: 10 records in explicit mode, offsets 0, 3, 6 and 9
     * RELEASEd, the rest ACCEPTed. The SPSO stays at 0 (offset 0 is not done), the lag is 4 (the
     * released ones); the consumer-group API knows no committed offset for the group id. Once the
     * released 4 come back (delivery count 2) and are accepted, the SPSO is 10 and the lag 0.
     */
    @Test
    @Claim("6.offsets")
    void aShareGroupHasAStartOffsetAndALagButNoCommittedOffset(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-offsets", 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = ShareKit.earliestGroup(kafka, "share-offsets");
        ShareKit.produce(kafka, topic, 10);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> first = pollAll(member, 10);
            for (ConsumerRecord<String, String> record : first) {
                member.acknowledge(record, record.offset() % 3 == 0 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
            }
            member.commitSync();
            SharePartitionOffsetInfo afterRelease = awaitOffsets(kafka, group, partition, 0, 4);
            Claims.figure("after RELEASE of 0,3,6,9: start offset " + afterRelease.startOffset() + ", lag "
                    + afterRelease.lag().orElse(-1L));

            Map<TopicPartition, ?> committed = kafka.admin().listConsumerGroupOffsets(
                    Map.of(group, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group).get();
            assertTrue(committed.isEmpty(), "a share group has no committed offsets: listConsumerGroupOffsets on its id "
                    + "returns none (got " + committed + ")");

            List<ConsumerRecord<String, String>> again = pollAll(member, 4);
            assertEquals(List.of(0L, 3L, 6L, 9L), again.stream().map(ConsumerRecord::offset).toList(),
                    "the RELEASEd records are delivered again");
            assertEquals(List.of(2, 2, 2, 2), again.stream().map(ShareGroups::deliveries).toList(),
                    "each with its delivery count raised to 2");
            again.forEach(record -> member.acknowledge(record, AcknowledgeType.ACCEPT));
            member.commitSync();
            // Lag 0: nothing left. The start offset Admin reports is the one the share coordinator
            // stored with the last state write, which trails that write's own acknowledgements: it
            // is still 0 here, and moves on at the next acknowledgement (measured: 0, then 10).
            await().atMost(TIMEOUT).untilAsserted(() -> assertEquals(0L,
                    ShareGroups.offsets(kafka.admin(), group, partition).orElseThrow().lag().orElse(-1L), "lag once all are accepted"));
            SharePartitionOffsetInfo done = ShareGroups.offsets(kafka.admin(), group, partition).orElseThrow();
            assertTrue(done.startOffset() == 0 || done.startOffset() == 10, "the reported start offset is the stored one, "
                    + "0 until the next state write, never past the log end (10): " + done.startOffset());
            Claims.figure("after ACCEPT of the 4 redelivered: start offset " + done.startOffset() + ", lag " + done.lag().orElse(-1L));
        }
    }

    /** ShareConsumerConfig refuses the consumer's auto.offset.reset before any request. */
    @Test
    @Claim("6.start")
    void theShareConsumerRefusesAutoOffsetReset(LabKafka kafka) {
        Map<String, Object> config = ShareGroups.consumerConfig(kafka.backend(), kafka.newGroupId("refused"), "implicit", 10);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ConfigException refused = assertThrows(ConfigException.class, () -> new KafkaShareConsumer<String, String>(config).close(),
                "a share group starts where its group config says, not where a consumer asks");
        assertEquals("auto.offset.reset cannot be set when using a share group.", refused.getMessage());
        Claims.figure("ConfigException: " + refused.getMessage());
    }

    /**
     * share.auto.offset.reset, a GROUP config: latest (the default, also when never set) starts
     * at the end, so the 5 records already there are never delivered; earliest at the log start;
     * by_duration:PT10M at the first record at most 10 minutes old (records 0-2 are an hour old).
     * Each new group's member polls while one new record is written per poll, until it gets
     * one; the first offset it gets shows where the group started.
     */
    @Test
    @Claim("6.start")
    void shareAutoOffsetResetIsAGroupConfigLatestByDefault(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-start", 1);
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 5; i++) {
                Long timestamp = i < 3 ? hourAgo : null; // null: now
                producer.send(new ProducerRecord<>(topic, 0, timestamp, "key-" + i, "record-" + i));
            }
            producer.flush();
            long neverSet = firstOffset(kafka, producer, topic, null);
            long latest = firstOffset(kafka, producer, topic, "latest");
            long earliest = firstOffset(kafka, producer, topic, "earliest");
            long byDuration = firstOffset(kafka, producer, topic, "by_duration:PT10M");
            Claims.figure("first offset delivered: never set " + neverSet + ", latest " + latest + ", earliest " + earliest
                    + ", by_duration:PT10M " + byDuration + " (records 0-2 an hour old, 3-4 new)");
            assertTrue(neverSet >= 5, "never set: latest, records 0-4 are never delivered (first: " + neverSet + ")");
            assertTrue(latest >= 5, "latest: records 0-4 are never delivered (first: " + latest + ")");
            assertEquals(0, earliest, "earliest: from the log start");
            assertEquals(3, byDuration, "by_duration:PT10M: from record 3, the first at most 10 minutes old");
        }
    }

    /** The first offset a new share group with {@code reset} (null: not set) delivers, writing one record per empty poll. */
    private static long firstOffset(LabKafka kafka, KafkaProducer<String, String> producer, String topic, String reset) throws Exception {
        String group = kafka.newGroupId("share-start");
        if (reset != null) {
            ShareGroups.setGroupConfig(kafka.admin(), group, Map.of(ShareGroups.AUTO_OFFSET_RESET, reset));
        }
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "implicit", 100)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = member.poll(Duration.ofMillis(300));
                if (!records.isEmpty()) {
                    long first = Long.MAX_VALUE;
                    for (ConsumerRecord<String, String> record : records) {
                        first = Math.min(first, record.offset());
                    }
                    return first;
                }
                producer.send(new ProducerRecord<>(topic, 0, "key-new", "written after the group was created")).get();
            }
        }
        throw new AssertionError("the share group " + group + " got no record within " + TIMEOUT.toSeconds() + " s");
    }

    /** Polls (explicit mode: acknowledging nothing in between) until one poll returns {@code count} records. */
    private static List<ConsumerRecord<String, String>> pollAll(KafkaShareConsumer<String, String> member, int count) {
        List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
        assertEquals(count, records.size(), "one poll returned " + records.size() + " records, expected " + count);
        return records;
    }

    private static SharePartitionOffsetInfo awaitOffsets(LabKafka kafka, String group, TopicPartition partition,
                                                         long startOffset, long lag) throws ExecutionException, InterruptedException {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            SharePartitionOffsetInfo info = ShareGroups.offsets(kafka.admin(), group, partition).orElseThrow();
            assertEquals(startOffset, info.startOffset(), "start offset (SPSO)");
            assertEquals(lag, info.lag().orElse(-1L), "lag: records at or after the SPSO not yet acknowledged");
        });
        return ShareGroups.offsets(kafka.admin(), group, partition).orElseThrow();
    }
}

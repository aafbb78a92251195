package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.OffsetProbe;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

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

    private static final Duration TIMEOUT = ShareKit.TIMEOUT;

    /**
     * A freshly formatted 4.4 node finalizes share.version: share groups need no switch. Every
     * broker the lab starts (embedded, Testcontainers, a cluster of nodes) is such a node, so there
     * share.version 0 fails the test. Only an external cluster, which the lab did not format (one
     * upgraded from an older release keeps share.version 0 until kafka-features.sh upgrade), skips.
     */
    @Test
    @Claim("6.on")
    void shareGroupsAreOnWithoutAnySettingOnAFreshCluster(LabKafka kafka) throws Exception {
        ShareSettings settings = ShareKit.settings(kafka);
        boolean startedByTheLab = !(kafka.backend() instanceof ExternalCluster);
        assumeTrue(startedByTheLab || settings.shareVersion() > 0, "this external cluster has share.version "
                + settings.shareVersion() + ": share groups are off on it (kafka-features.sh upgrade turns them on)");
        Claims.figure("share.version=" + settings.shareVersion());
        // ShareVersion.supportsShareGroups: level 1 (SV_1) and up; 4.4's latest production level is 2.
        assertTrue(settings.shareVersion() >= 1, "a node formatted by Kafka 4.4's StorageTool without --release-version "
                + "finalizes share.version at its latest level, 2, which turns share groups on (found "
                + settings.shareVersion() + " on " + kafka.backend().description() + ")");
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
     * RELEASEd, the rest ACCEPTed; the consumer-group API knows no committed offset for the group
     * id. Then the released 4 come back (delivery count 2) and are accepted; then an 11th record
     * is written, read and accepted. What Admin listShareGroupOffsets reports at each step:
     * <pre>
     *   after                               start offset  lag   (the partition leader's SPSO)
     *   RELEASE 0,3,6,9, ACCEPT the rest         0         4    0: offset 0 is not done
     *   ACCEPT of the 4 redelivered              0         0    10
     *   ACCEPT of the 11th record (offset 10)   10         0    11
     * </pre>
     * The start offset Admin reports is the one the share coordinator stored with the partition's
     * last state write, and that write trails its own acknowledgements by one: the partition leader
     * sends its start offset as it stood before the acknowledgements (Kafka 4.4:
     * {@code SharePartition.writeShareGroupState} puts {@code startOffset()} in the request), and
     * moves it only once the write succeeded ({@code rollbackOrProcessStateUpdates}, then
     * {@code maybeUpdateCachedStateAndOffsets}). The lag is exact at every step: the group
     * coordinator computes it as log end offset - stored start offset - stored count of
     * acknowledged and archived records ({@code GroupCoordinatorService.computeShareGroupLagAndBuildResponse}),
     * and the leader counts those records when the acknowledgement arrives, before the write.
     * Nothing else writes state during the test (no lock expires: 30 s by default). commitSync()
     * returns once the write is done (the acknowledgement's future completes after it), yet the test
     * waits with Awaitility for each exact pair rather than read it once, as Admin reads through
     * another coordinator; it never accepts another value.
     */
    @Test
    @Claim("6.offsets")
    void aShareGroupHasAStartOffsetAndALagButNoCommittedOffset(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-offsets", 1);
        String group = ShareKit.earliestGroup(kafka, "share-offsets");
        ShareKit.produce(kafka, topic, 10);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> first = pollAll(member, 10);
            for (ConsumerRecord<String, String> record : first) {
                member.acknowledge(record, record.offset() % 3 == 0 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
            }
            member.commitSync();
            awaitOffsets(kafka, group, topic, 0, 4, "after RELEASE of 0,3,6,9 and ACCEPT of the rest: offset 0 is "
                    + "not done, so the start offset stays 0; 4 released records left");

            Map<TopicPartition, ?> committed = kafka.admin().listConsumerGroupOffsets(
                    Map.of(group, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group).get();
            assertTrue(committed.isEmpty(), "a share group has no committed offsets: listConsumerGroupOffsets on its id "
                    + "returns none (got " + committed + ")");

            List<ConsumerRecord<String, String>> again = pollAll(member, 4);
            assertEquals(List.of(0L, 3L, 6L, 9L), again.stream().map(ConsumerRecord::offset).toList(),
                    "the RELEASEd records are delivered again");
            assertEquals(List.of(2, 2, 2, 2), again.stream().map(ShareGroups::deliveries).toList(),
                    "each with its delivery count raised to 2");
            ShareKit.acceptAll(member, again);
            awaitOffsets(kafka, group, topic, 0, 0, "after ACCEPT of the 4 redelivered: all 10 are done (lag 0), "
                    + "yet the stored start offset is still 0, the one the leader sent with this write");

            ShareKit.produce(kafka, topic, 1);
            List<ConsumerRecord<String, String>> eleventh = pollAll(member, 1);
            assertEquals(10L, eleventh.get(0).offset(), "the 11th record");
            ShareKit.acceptAll(member, eleventh);
            awaitOffsets(kafka, group, topic, 10, 0, "after ACCEPT of offset 10: the next write carried the start "
                    + "offset 10 that the previous one left (all 11 are done, and it trails again: 10, not 11)");
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
            List<Future<RecordMetadata>> written = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Long timestamp = i < 3 ? hourAgo : null; // null: now
                written.add(producer.send(new ProducerRecord<>(topic, 0, timestamp, "key-" + i, "record-" + i)));
            }
            producer.flush();
            long neverSet = firstOffset(kafka, producer, topic, null);
            long latest = firstOffset(kafka, producer, topic, "latest");
            long earliest = firstOffset(kafka, producer, topic, "earliest");
            long byDuration = firstOffset(kafka, producer, topic, "by_duration:PT10M");
            Claims.figure(Figure.bars("the first offset a new share group got, by share.auto.offset.reset", "")
                    .value("never set", neverSet).value("latest", latest).value("earliest", earliest)
                    .value("by_duration:PT10M", byDuration)
                    .marker("the first record written now", written.get(3).get().offset())
                    .marker("log end before the groups", written.get(4).get().offset() + 1)
                    .note("records 0-2 stamped an hour ago; one record written per empty poll"));
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

    /**
     * {@link ShareKit#awaitOffsets}, and the share partition as a figure of the claims report: its
     * log with the start offset Admin reports, and the lag in the title ({@code why} up to its colon).
     */
    private static void awaitOffsets(LabKafka kafka, String group, String topic, long startOffset, long lag, String why)
            throws Exception {
        ShareKit.awaitOffsets(kafka, group, topic, startOffset, lag, why);
        Claims.figure(Figure.log(why.substring(0, why.indexOf(':')) + ": lag " + lag)
                .mark("start offset (Admin listShareGroupOffsets)", startOffset).mark("log end", logEnd(kafka, topic)));
    }

    /** Partition 0's end offset (Admin listOffsets, latest). */
    private static long logEnd(LabKafka kafka, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        return OffsetProbe.offsets(kafka.admin(), List.of(partition), OffsetSpec.latest()).get(partition);
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the §6 tests share: a share group that starts at the earliest offset, members, records, the offsets Admin reports. */
final class ShareKit {

    /** How long a test waits for Kafka: a poll that should get records, an Admin value that should appear. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ShareKit() {
    }

    /** A new share group id whose share partitions start at the log start (the default, latest, would skip what is there). */
    static String earliestGroup(LabKafka kafka, String prefix) throws ExecutionException, InterruptedException {
        return earliestGroup(kafka, prefix, Map.of());
    }

    /** As {@link #earliestGroup(LabKafka, String)}, with more group configs set in the same Admin call. */
    static String earliestGroup(LabKafka kafka, String prefix, Map<String, String> groupConfigs)
            throws ExecutionException, InterruptedException {
        String group = kafka.newGroupId(prefix);
        Map<String, String> configs = new HashMap<>(groupConfigs);
        configs.put(ShareGroups.AUTO_OFFSET_RESET, "earliest");
        ShareGroups.setGroupConfig(kafka.admin(), group, configs);
        return group;
    }

    /** A share consumer of {@code group}, subscribed to {@code topic}. */
    static KafkaShareConsumer<String, String> member(LabKafka kafka, String group, String topic, String ackMode, int maxRecords) {
        return member(kafka, group, topic, ackMode, maxRecords, null);
    }

    /**
     * A share consumer of {@code group}, subscribed to {@code topic}, with {@code client.id} set to
     * {@code clientId} (null: Kafka's generated one), so that Admin describeShareGroups can name it.
     */
    static KafkaShareConsumer<String, String> member(LabKafka kafka, String group, String topic, String ackMode, int maxRecords,
                                                     String clientId) {
        Map<String, Object> config = ShareGroups.consumerConfig(kafka.backend(), group, ackMode, maxRecords);
        if (clientId != null) {
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        }
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Acknowledges each of {@code records} with ACCEPT (done with it), then sends the acknowledgements with commitSync(). */
    static void acceptAll(KafkaShareConsumer<String, String> member, List<ConsumerRecord<String, String>> records) {
        records.forEach(record -> member.acknowledge(record, AcknowledgeType.ACCEPT));
        member.commitSync();
    }

    /** Writes {@code count} records "record-i" to partition 0 in one batch (sent together, then flushed). */
    static void produce(LabKafka kafka, String topic, int count) {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "record-" + i));
            }
            producer.flush();
        }
    }

    static ShareSettings settings(LabKafka kafka) throws ExecutionException, InterruptedException {
        return ShareSettings.read(kafka.backend());
    }

    /**
     * Waits until Admin listShareGroupOffsets reports exactly {@code startOffset} and {@code lag}
     * for partition 0 of {@code topic}; {@code why} says why those values. A state write ends on the
     * broker after the client call that caused it may have returned, hence the wait; no other value
     * passes.
     */
    static void awaitOffsets(LabKafka kafka, String group, String topic, long startOffset, long lag, String why) {
        await().atMost(TIMEOUT).untilAsserted(() -> assertEquals(List.of(startOffset, lag), startAndLag(kafka, group, topic),
                "[start offset, lag] " + why));
    }

    /** Waits until Admin listShareGroupOffsets reports exactly {@code lag} for partition 0 of {@code topic}; {@code why} says why. */
    static void awaitLag(LabKafka kafka, String group, String topic, long lag, String why) {
        await().atMost(TIMEOUT).untilAsserted(() -> assertEquals(lag, startAndLag(kafka, group, topic).get(1),
                "lag (records at or after the start offset neither accepted nor archived): " + why));
    }

    /** [start offset, lag] that Admin listShareGroupOffsets reports now for partition 0 of {@code topic} (lag -1: none). */
    static List<Long> startAndLag(LabKafka kafka, String group, String topic) throws ExecutionException, InterruptedException {
        TopicPartition partition = new TopicPartition(topic, 0);
        SharePartitionOffsetInfo info = ShareGroups.offsets(kafka.admin(), group, partition)
                .orElseThrow(() -> new AssertionError("Admin lists no offsets for " + partition + " in " + group + " yet"));
        return List.of(info.startOffset(), info.lag().orElse(-1L));
    }

    /** The client ids of {@code group}'s members, sorted (Admin describeShareGroups). */
    static List<String> memberClientIds(LabKafka kafka, String group) throws ExecutionException, InterruptedException {
        ShareGroupDescription described = kafka.admin().describeShareGroups(List.of(group)).describedGroups().get(group).get();
        return described.members().stream().map(ShareMemberDescription::clientId).sorted().toList();
    }
}

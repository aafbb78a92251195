package io.offsetlab.share;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * §6: the Kafka calls of a share group that the demo and the tests share. A share group has
 * no committed offset per member: its state is per partition, a start offset (SPSO) and the
 * states of the in-flight records after it, kept by the broker. What a client can set and
 * read lives here, in plain sight: the share consumer's config, the group configs (set on a
 * {@code GROUP} config resource, not on the consumer), and the group's start offset and lag.
 */
public final class ShareGroups {

    /** Group configs of a share group (Kafka's GroupConfig); the broker bounds each. */
    public static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    public static final String LOCK_DURATION = "share.record.lock.duration.ms";
    public static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
    /**
     * KIP-1191's dead-letter queue (share.version 2): the topic the broker writes a record to
     * when it archives it after a REJECT or at the delivery count limit ("" by default: none),
     * and whether it copies the record's key and value there (false by default: headers only).
     */
    public static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
    public static final String DLQ_COPY_RECORD = "errors.deadletterqueue.copy.record.enable";

    /** The consumer setting that picks acknowledgement by hand (explicit) or by the next poll (implicit, the default). */
    public static final String ACK_MODE = ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG;
    /** {@value #ACK_MODE}=explicit: every record is acknowledged by acknowledge(record, type). */
    public static final String EXPLICIT_ACKS = "explicit";
    /** {@value #ACK_MODE}=implicit: the next poll() or commitSync() accepts all the last poll() returned. */
    public static final String IMPLICIT_ACKS = "implicit";

    private ShareGroups() {
    }

    /**
     * A {@code KafkaShareConsumer}'s config: the group and the deserializers, the mode of
     * acknowledgement and at most {@code maxRecords} records per poll().
     */
    public static Map<String, Object> consumerConfig(KafkaBackend kafka, String group, String ackMode, int maxRecords) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // explicit: every record is acknowledged by acknowledge(record, type); implicit: the
        // next poll() or commitSync() accepts everything the last poll() returned.
        config.put(ACK_MODE, ackMode);
        // record_limit: poll() returns at most max.poll.records records (the default,
        // batch_optimized, may return more, to the end of a batch).
        config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        // How many records one poll() acquires: a scene sizes it so it knows which records each member holds.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxRecords);
        return config;
    }

    /**
     * Sets share-group configs with Admin incrementalAlterConfigs on the GROUP resource. They
     * may be set before the group exists; the broker refuses a value outside its bounds
     * (InvalidConfigurationException), e.g. a lock duration below group.share.min.record.lock.duration.ms.
     */
    public static void setGroupConfig(Admin admin, String group, Map<String, String> configs)
            throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = configs.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .collect(Collectors.toList());
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
    }

    /**
     * The share group's start offset (SPSO) and lag for one partition (Admin listShareGroupOffsets,
     * what kafka-share-groups --describe prints as START-OFFSET and LAG); empty when the group
     * has no state for the partition yet (no member has fetched from it).
     */
    public static Optional<SharePartitionOffsetInfo> offsets(Admin admin, String group, TopicPartition partition)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                        Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(List.of(partition))))
                .partitionsToOffsetInfo(group).get();
        return Optional.ofNullable(offsets.get(partition));
    }

    /**
     * Polls until a poll() returns records, and returns them; empty after {@code timeout}. In
     * explicit mode every record a poll() returned must be acknowledged before the next poll()
     * (it throws IllegalStateException otherwise), so this returns one poll's records.
     */
    public static List<ConsumerRecord<String, String>> pollOnce(ShareConsumer<String, String> consumer, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                List<ConsumerRecord<String, String>> list = new ArrayList<>();
                records.forEach(list::add);
                return list;
            }
        }
        return List.of();
    }

    /** A record's delivery count: 1 on its first delivery, raised on every delivery after a release or an expired lock. */
    public static int deliveries(ConsumerRecord<?, ?> record) {
        return record.deliveryCount().orElseThrow(() -> new IllegalStateException("not a share-group record")).intValue();
    }

    /**
     * How many ShareFetch requests {@code consumer} has completed (its metric fetch-total in
     * consumer-share-fetch-manager-metrics). A share consumer fetches only from partitions it is
     * assigned, so a count above 0 says it knows its assignment: a member learns it at a
     * heartbeat, every group.share.heartbeat.interval.ms (5 s by default).
     */
    public static double fetches(ShareConsumer<?, ?> consumer) {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("consumer-share-fetch-manager-metrics")
                        && e.getKey().name().equals("fetch-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    /** Deletes the share group (it must have no members), so that reruns start clean. */
    public static void delete(Admin admin, String group) throws ExecutionException, InterruptedException {
        admin.deleteShareGroups(List.of(group)).all().get();
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cases of §2 in which a group has no usable committed offset, each set up on its own
 * topic and group. Every topic starts with {@value #OLD_RECORDS} records stamped two hours
 * ago, then fresh ones, so that {@code by_duration:PT1H} visibly skips the old ones.
 */
public final class ResetScenarios {

    /** The four values of auto.offset.reset in Kafka 4.4 (by_duration since 4.0, KIP-1106). */
    public static final List<String> POLICIES = List.of("earliest", "latest", "none", "by_duration:PT1H");

    /** Records stamped two hours ago at the start of every scenario topic. */
    public static final int OLD_RECORDS = 2;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBackend kafka;
    private final Admin admin;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    /** One case: the group to start and the partition to start it on. */
    public record Setup(String name, String group, TopicPartition partition) {
    }

    public ResetScenarios(KafkaBackend kafka, Admin admin) {
        this.kafka = kafka;
        this.admin = admin;
    }

    /** A group that never consumed the topic (5 records). */
    public Setup newGroup() throws Exception {
        TopicPartition tp = topicWithRecords("new-group", 5);
        return new Setup("new group", group("new-group"), tp);
    }

    /** A group whose committed offset (3 of 5) is valid: the policy is never asked. */
    public Setup committedOffset() throws Exception {
        TopicPartition tp = topicWithRecords("committed", 5);
        String group = group("committed");
        commit(group, tp, 3);
        return new Setup("valid committed offset", group, tp);
    }

    /** Committed offset 2, then deleteRecords(before 6) on 10 records: committed is below the log start. */
    public Setup committedBelowLogStart() throws Exception {
        TopicPartition tp = topicWithRecords("below-start", 10);
        String group = group("below-start");
        commit(group, tp, 2);
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all().get();
        return new Setup("committed < log start", group, tp);
    }

    /**
     * Committed offset 100 on a 5-record topic. Kafka accepts any offset >= 0 in a commit: it
     * does not check the log (here via Admin.alterConsumerGroupOffsets, as
     * kafka-consumer-groups.sh --reset-offsets does).
     */
    public Setup committedBeyondEnd() throws Exception {
        TopicPartition tp = topicWithRecords("beyond-end", 5);
        String group = group("beyond-end");
        commit(group, tp, 100);
        return new Setup("committed > end", group, tp);
    }

    /** The group committed 5 of 5; the topic is deleted and recreated with 5 new records. */
    public Setup topicRecreated() throws Exception {
        TopicPartition tp = topicWithRecords("recreated", 5);
        String group = group("recreated");
        commit(group, tp, 5);
        admin.deleteTopics(List.of(tp.topic())).all().get();
        // Deleting a topic deletes every group's committed offsets for it (KRaft 4.x).
        Wait.until("the group's offsets for the deleted topic to go", TIMEOUT, () -> committed(group, tp) == null);
        Wait.until("the topic to be recreated", TIMEOUT, () -> tryCreate(tp.topic(), 1));
        produce(tp, 5);
        return new Setup("topic recreated", group, tp);
    }

    /** The group's committed offset for {@code tp}, or null. */
    public Long committed(String group, TopicPartition tp) {
        return OffsetProbe.committed(admin, group, tp);
    }

    /** Sets a group's committed offset; the group must have no active members. */
    public void commit(String group, TopicPartition tp, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all().get();
    }

    /** A new topic (cluster-default replication) holding {@code count} records, the first two old. */
    public TopicPartition topicWithRecords(String name, int count) throws Exception {
        TopicPartition tp = new TopicPartition(name + "-" + runId, 0);
        Topics.create(admin, new NewTopic(tp.topic(), Optional.of(1), Optional.empty()));
        produce(tp, count);
        return tp;
    }

    public String group(String name) {
        return name + "-group-" + runId;
    }

    /** Appends {@code count} records; the first {@value #OLD_RECORDS} are stamped two hours ago. */
    public void produce(TopicPartition tp, int count) throws Exception {
        long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < count; i++) {
                Long timestamp = i < OLD_RECORDS ? twoHoursAgo : null; // null: the producer stamps "now"
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), timestamp, null, "record-" + i)).get();
            }
        }
    }

    private boolean tryCreate(String topic, int partitions) {
        try {
            Topics.create(admin, new NewTopic(topic, Optional.of(partitions), Optional.empty()));
            return true;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false; // the deletion is still in progress
            }
            throw e;
        }
    }
}

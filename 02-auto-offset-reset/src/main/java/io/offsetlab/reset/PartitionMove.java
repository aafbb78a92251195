package io.offsetlab.reset;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The "partition adjustment" the article means, §2: a rebalance that MOVES a partition from
 * one member to another. The first member reads {@value #COMMITTED} records from each of two
 * partitions and commits; {@value #WRITTEN_AFTER} more are written to each; a second member
 * joins with the given auto.offset.reset and the rebalance moves one partition to it.
 *
 * <p>The moved partition keeps the group's committed offset, so the new owner starts there
 * and reads the {@value #WRITTEN_AFTER} records: the policy is never asked. Had the move
 * "invalidated" the offset, {@code latest} would have started at the end and skipped them,
 * and {@code none} would have thrown.
 */
public final class PartitionMove {

    public static final int COMMITTED = 10;
    public static final int WRITTEN_AFTER = 3;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PartitionMove() {
    }

    /** What the new owner of the moved partition found and read. */
    public record Result(String policy, String protocol, TopicPartition moved, long committed, long startedAt, int read,
                         int lost) {
    }

    public static Result run(KafkaBackend kafka, Admin admin, String policy, String protocol) throws Exception {
        String topic = "moving-" + UUID.randomUUID().toString().substring(0, 8);
        Topics.create(admin, new NewTopic(topic, Optional.of(2), Optional.empty()));
        String group = topic + "-group";
        try (KafkaConsumer<String, String> first = new KafkaConsumer<>(config(kafka, group, "earliest", protocol));
             KafkaConsumer<String, String> second = new KafkaConsumer<>(config(kafka, group, policy, protocol))) {
            write(kafka, topic, COMMITTED);
            first.subscribe(List.of(topic));
            Polling.pollAtLeast(first, 2 * COMMITTED, TIMEOUT);
            first.commitSync(); // offset 10 on both partitions
            write(kafka, topic, WRITTEN_AFTER);

            // Both members poll until each has one partition; keep what the second one reads on the way.
            second.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            Wait.until("the rebalance moves one partition to the second member", TIMEOUT, () -> {
                first.poll(Duration.ofMillis(50));
                second.poll(Duration.ofMillis(50)).forEach(read::add);
                return second.assignment().size() == 1 && first.assignment().size() == 1;
            });
            TopicPartition moved = second.assignment().iterator().next();
            OffsetAndMetadata committed = first.committed(Set.of(moved)).get(moved); // null: none (-1 below)
            Polling.pollUntil(second, TIMEOUT, "the " + WRITTEN_AFTER + " records written after the move",
                    records -> records.forEach(read::add),
                    () -> read.size() >= WRITTEN_AFTER || second.position(moved) >= COMMITTED + WRITTEN_AFTER);
            long startedAt = read.isEmpty() ? second.position(moved) : read.get(0).offset();
            return new Result(policy, protocol, moved, committed == null ? -1 : committed.offset(), startedAt, read.size(), WRITTEN_AFTER - read.size());
        } finally {
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    private static Map<String, Object> config(KafkaBackend kafka, String group, String policy, String protocol) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // The policy under test: it decides where the new owner of a partition without a commit starts.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // only the scene's commitSync() commits
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic, or consumer (KIP-848): both are shown
        return config;
    }

    /** {@code count} records to each of the two partitions. */
    private static void write(KafkaBackend kafka, String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, null, "record-" + i)).get();
                }
            }
        }
    }
}

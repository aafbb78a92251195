package io.offsetlab.reset;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The real "partition adjustment" case of §2: a partition ADDED to a topic has no committed
 * offset, so auto.offset.reset applies to it. Records written to it before the group has
 * noticed it are lost with {@code latest}.
 *
 * <p>Deterministic: the member stops polling (it stays in the group: heartbeats come from a
 * background thread), the partition is added and {@value #BEFORE} records are written to it,
 * and only then does the member poll again, see the new partition and reset its position.
 * Then {@value #AFTER} more records are written.
 */
public final class PartitionExpansion {

    public static final int BEFORE = 3;
    public static final int AFTER = 2;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PartitionExpansion() {
    }

    /** What the member read from the added partition. */
    public record Result(String policy, String protocol, long startedAt, int read, int lost) {
    }

    public static Result run(KafkaBackend kafka, Admin admin, String policy, String protocol) throws Exception {
        String topic = "expanding-" + UUID.randomUUID().toString().substring(0, 8);
        Topics.create(admin, new NewTopic(topic, Optional.of(1), Optional.empty()));
        TopicPartition added = new TopicPartition(topic, 1);
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(memberConfig(kafka, policy, protocol, topic))) {
            member.subscribe(List.of(topic));
            Polling.pollUntil(member, TIMEOUT, "the member to get partition 0", () -> !member.assignment().isEmpty());

            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get();
            write(kafka, added, "before", BEFORE);

            // Keep what every poll returns: the poll that completes the rebalance can already
            // fetch records of the new partition.
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            Polling.pollUntil(member, TIMEOUT, "the member to get the added partition " + added,
                    records -> records.records(added).forEach(read::add), () -> member.assignment().contains(added));
            long startedAt = read.isEmpty() ? member.position(added) : read.get(0).offset();
            write(kafka, added, "after", AFTER);
            Polling.pollUntil(member, TIMEOUT, "after-" + (AFTER - 1) + ", the last record written",
                    records -> records.records(added).forEach(read::add),
                    () -> !read.isEmpty() && read.get(read.size() - 1).value().equals("after-" + (AFTER - 1)));
            return new Result(policy, protocol, startedAt, read.size(), BEFORE + AFTER - read.size());
        } finally {
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    private static Map<String, Object> memberConfig(KafkaBackend kafka, String policy, String protocol, String topic) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, "expanding-group-" + topic);
        // The policy under test: the new partition has no committed offset, so it decides where reading starts.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // nothing committed behind the scene's back
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic, or consumer (KIP-848): both are shown
        if (protocol.equals("classic")) {
            // Classic members find new partitions by refreshing metadata, every 5 min by default.
            config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        }
        return config;
    }

    private static void write(KafkaBackend kafka, TopicPartition tp, String prefix, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, prefix + "-" + i)).get();
            }
        }
    }
}

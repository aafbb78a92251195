package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * §5 the one partition of {@link LogTruncation}'s and {@link NoTruncationWithAcksAll}'s topics,
 * as Admin and a plain consumer see it: its leader, ISR and ELR, its records by offset, and
 * writes to it with a given {@code acks}.
 */
final class OnePartition {

    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Cluster cluster;
    private final Admin admin;
    final TopicPartition tp;

    OnePartition(Cluster cluster, Admin admin, TopicPartition tp) {
        this.cluster = cluster;
        this.admin = admin;
        this.tp = tp;
    }

    /** Admin describeTopics: leader (null while it has none), replicas, ISR, ELR (KIP-966). */
    TopicPartitionInfo describe() {
        try {
            return admin.describeTopics(List.of(tp.topic())).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(tp.topic()).partitions().get(tp.partition());
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + tp + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the partition's state, as describeTopics tells, matches {@code state}. */
    TopicPartitionInfo awaitState(String what, Predicate<TopicPartitionInfo> state) {
        Wait.until(what, TIMEOUT, () -> {
            try {
                return state.test(describe());
            } catch (IllegalStateException e) {
                return false; // no answer while the controller quorum is short of a majority
            }
        });
        return describe();
    }

    /** "leader 2, ISR [2], ELR []", or "no leader, ...". */
    String state() {
        TopicPartitionInfo info = describe();
        return (info.leader() == null ? "no leader" : "leader " + info.leader().id()) + ", ISR " + ids(info.isr())
                + ", ELR " + ids(info.elr());
    }

    static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    static int leaderOf(TopicPartitionInfo info) {
        return info.leader() == null ? -1 : info.leader().id();
    }

    /** The finalized level of feature {@code name} on the cluster (Admin describeFeatures); 0 when not finalized. */
    short featureLevel(String name) throws Exception {
        FinalizedVersionRange range = admin.describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS)
                .finalizedFeatures().get(name);
        return range == null ? 0 : range.maxVersionLevel();
    }

    /** Writes "PREFIX-i" at each of {@code count} next offsets, each acknowledged before the next; returns the last offset. */
    long produce(String prefix, int from, int count, String acks) throws Exception {
        Map<String, Object> config = ClientConfigs.producer(cluster);
        config.put("acks", acks); // "1": the leader alone acknowledges; "all": every replica in the ISR
        config.put("enable.idempotence", false); // plain writes: idempotence needs acks=all
        long last = -1;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = from; i < from + count; i++) {
                last = producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "key-" + i, prefix + "-" + i))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
            }
        }
        return last;
    }

    /**
     * Writes one record "PREFIX-i" with acks=all and no retries: a refusal (NotEnoughReplicasException)
     * comes back as the ExecutionException's cause at once, not after delivery.timeout.ms of retries.
     */
    void produceOnce(String prefix, int i) throws Exception {
        Map<String, Object> config = ClientConfigs.producer(cluster);
        config.put("acks", "all"); // every replica in the ISR, and at least min.insync.replicas of them
        config.put("retries", 0); // the broker's first answer is the outcome
        config.put("enable.idempotence", false); // idempotence needs retries
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "key-" + i, prefix + "-" + i))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * The records from offset {@code from} to the end, read by a consumer of no group
     * (assign + seek) from the partition's leader: offset to value.
     */
    Map<Long, String> read(long from) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, null);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // a reset would hide a wrong offset
        Map<Long, String> values = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            consumer.seek(tp, from);
            Polling.pollUntil(consumer, TIMEOUT, "the end of the log, " + end,
                    batch -> batch.forEach(r -> values.put(r.offset(), r.value())),
                    () -> consumer.position(tp) >= end);
        }
        return values;
    }
}

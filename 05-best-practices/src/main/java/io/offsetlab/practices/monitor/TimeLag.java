package io.offsetlab.practices.monitor;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * §5 lag in time, exactly: how old is the oldest record a group has not consumed? LAG in
 * records cannot say: 10,000 records are a second on one topic and a day on another.
 * <ol>
 *   <li>{@code assign} a consumer (read_committed, no group of its own) to the group's
 *       partitions and {@code seek} each to the group's committed offset;</li>
 *   <li>{@code poll} until each partition gave its first record, or reached its end: a
 *       transaction marker or an aborted record is skipped (read_committed), so the first
 *       record is the first one the group will really process;</li>
 *   <li>the age is now minus that record's timestamp: its CreateTime (set by the producer) or
 *       LogAppendTime (set by the broker), as the topic's {@code message.timestamp.type} says.
 *       A committed offset at the end (nothing unconsumed) has age 0.</li>
 * </ol>
 * It reads records, so it needs READ on the topic; without it the caller falls back to
 * {@link TimeLagEstimate}.
 */
public final class TimeLag {

    /**
     * The oldest unconsumed record of one partition.
     *
     * @param committed the group's committed offset
     * @param offset    the offset of the first record at or after it; null when there is none (caught up)
     * @param timestamp that record's timestamp (ms since the epoch); null when caught up
     * @param type      which timestamp it is; null when caught up
     * @param ageMs     now minus the timestamp, 0 when caught up; negative for a CreateTime in the future
     */
    public record Age(TopicPartition partition, long committed, Long offset, Long timestamp, TimestampType type, long ageMs) {

        public boolean caughtUp() {
            return offset == null;
        }
    }

    private TimeLag() {
    }

    /** The consumer {@link #oldestUnconsumed} reads with: no group, nothing committed, committed data only. */
    public static KafkaConsumer<byte[], byte[]> reader(KafkaBackend kafka) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, null); // no group: it reads, never commits
        // byte[], left undecoded: only each record's offset and timestamp are read, never its key or value.
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Skip aborted records and transaction markers: the oldest record the group will process.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group, nothing to commit: said out loud
        // Never jump: a seek outside the log must not end up at its end and pass for "caught up".
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // Only the first record of each partition matters: small fetches.
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        return new KafkaConsumer<>(config);
    }

    /**
     * The age at {@code nowMs} of the oldest unconsumed record of each partition in
     * {@code committed}, which maps a partition to the group's committed offset. {@code consumer}
     * reads with isolation.level=read_committed and has no group. A committed offset below the
     * log start (retention or deleteRecords took the records after it) is read from the log start:
     * the oldest record left. A partition whose committed offset is beyond its end (a truncated
     * log, §5), or that gives no record within {@code timeout}, is left out: its age is unknown.
     */
    public static Map<TopicPartition, Age> oldestUnconsumed(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> committed,
            Duration timeout, long nowMs) {
        // The end a read_committed consumer reads up to: the last stable offset, before any open transaction.
        Map<TopicPartition, Long> ends = consumer.endOffsets(committed.keySet(), timeout);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(committed.keySet(), timeout);
        Map<TopicPartition, Age> ages = new HashMap<>();
        Set<TopicPartition> toRead = new HashSet<>();
        committed.forEach((partition, offset) -> {
            if (offset == ends.get(partition).longValue()) {
                ages.put(partition, new Age(partition, offset, null, null, null, 0));
            } else if (offset < ends.get(partition)) {
                toRead.add(partition);
            }
        });
        consumer.assign(toRead);
        try {
            toRead.forEach(partition -> consumer.seek(partition, Math.max(committed.get(partition), starts.get(partition))));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!toRead.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (toRead.remove(partition)) {
                        ages.put(partition, new Age(partition, committed.get(partition), record.offset(), record.timestamp(),
                                record.timestampType(), nowMs - record.timestamp()));
                        consumer.pause(List.of(partition)); // its first record is all we need
                    }
                }
                toRead.removeIf(partition -> caughtUpAfterSkipping(consumer, partition, ends, committed, ages));
            }
        } finally {
            consumer.assign(List.of()); // the next call starts clean, even after a TopicAuthorizationException
        }
        return ages;
    }

    /** Only markers or aborted records were left: the position reached the end without a record. */
    private static boolean caughtUpAfterSkipping(Consumer<byte[], byte[]> consumer, TopicPartition partition,
            Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed, Map<TopicPartition, Age> ages) {
        if (consumer.position(partition) < ends.get(partition)) {
            return false;
        }
        ages.put(partition, new Age(partition, committed.get(partition), null, null, null, 0));
        return true;
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts a consumer of a group on one partition with one {@code auto.offset.reset} policy and
 * reports what happened: where it started reading, how many records it read, how many it
 * skipped, or which exception it got. It never commits, so the group's offsets stay as they
 * were and every policy can be tried on the same setup.
 */
public final class ResetProbe {

    private static final Duration POLL = Duration.ofMillis(100);

    private ResetProbe() {
    }

    /**
     * What one consumer did.
     *
     * @param policy    the auto.offset.reset value
     * @param startedAt the first offset it read, or its position if it read nothing; null on an exception
     * @param read      records read until the end of the partition
     * @param skipped   records still in the log that the group had not consumed and never will:
     *                  from its committed offset (or the log start, without a usable one) up to {@code startedAt}
     * @param exception the simple name of the exception poll() threw, or null
     */
    public record Outcome(String policy, Long startedAt, int read, long skipped, String exception) {
        public boolean failed() {
            return exception != null;
        }
    }

    public static Outcome start(KafkaBackend kafka, String group, TopicPartition tp, String policy, Duration timeout) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // The policy under test: what the consumer does where its group has no usable committed offset.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        // Looking must not change what we look at: no commits from this consumer.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            long logStart = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
            // assign(), not subscribe(): the group's committed offset is used the same way, and
            // there is no rebalance to wait for.
            consumer.assign(List.of(tp));
            try {
                List<Long> offsets = readToEnd(consumer, tp, end, timeout);
                long startedAt = offsets.isEmpty() ? consumer.position(tp) : offsets.get(0);
                long firstUnconsumed = committed != null && committed.offset() >= logStart && committed.offset() <= end
                        ? committed.offset() : logStart;
                return new Outcome(policy, startedAt, offsets.size(), Math.max(0, startedAt - firstUnconsumed), null);
            } catch (InvalidOffsetException e) {
                // NoOffsetForPartitionException or OffsetOutOfRangeException: policy "none".
                return new Outcome(policy, null, 0, 0, e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Polls until the position reaches {@code end}, at least once. A position outside the log
     * (a committed offset beyond the end or below the log start) is only found out by a fetch,
     * which then either resets it by the policy or throws.
     */
    private static List<Long> readToEnd(KafkaConsumer<String, String> consumer, TopicPartition tp, long end, Duration timeout) {
        List<Long> offsets = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                offsets.add(record.offset());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("position " + consumer.position(tp) + " of " + tp
                        + " did not reach the end " + end + " within " + timeout.toSeconds() + " s");
            }
        } while (consumer.position(tp) != end);
        return offsets;
    }
}

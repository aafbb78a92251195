package io.offsetlab.practices.benchmark;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;

/**
 * What a consumer has committed, as the client itself reports it: Kafka calls a consumer
 * interceptor's {@code onCommit} once a commit succeeded, whether it was a commitSync, a
 * commitAsync or an automatic commit (in Kafka 4.4's classic consumer, ConsumerCoordinator's
 * commitOffsetsSync and doCommitOffsetsAsync call it; auto commit goes through
 * commitOffsetsAsync). The benchmark compares this with what it has handled to
 * measure the uncommitted window. Kafka may call {@code onCommit} on its own threads (an async
 * commit completed by the heartbeat thread), hence the locking.
 *
 * <p>It counts committed records as the sum of the committed offsets, which holds for a topic
 * whose partitions start at offset 0, as the benchmark's new topic does.
 */
final class CommitWatch {

    /**
     * The consumer config key under which the interceptor finds its watch: Kafka creates the
     * interceptor from its class name and passes it the consumer's config, unknown keys included,
     * so a live object can ride along ({@link BenchmarkConsumer} puts it there).
     */
    static final String CONFIG = "offsetlab.commit.watch";

    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private volatile long committedRecords; // read for every record: a volatile read, no lock
    private long commits;

    /** Records covered by a committed offset so far. */
    long committedRecords() {
        return committedRecords;
    }

    /** Successful commits so far, of any kind. */
    synchronized long commits() {
        return commits;
    }

    private synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        commits++;
        long total = committedRecords;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            long before = committed.getOrDefault(e.getKey(), 0L);
            if (e.getValue().offset() > before) {
                committed.put(e.getKey(), e.getValue().offset());
                total += e.getValue().offset() - before;
            }
        }
        committedRecords = total;
    }

    /** Set in {@code interceptor.classes}, with the watch under {@link #CONFIG}. */
    public static final class Interceptor implements ConsumerInterceptor<byte[], byte[]> {
        private CommitWatch watch;

        @Override
        public void configure(Map<String, ?> configs) {
            watch = (CommitWatch) configs.get(CONFIG);
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            watch.committed(offsets);
        }

        @Override
        public void close() {
        }
    }
}

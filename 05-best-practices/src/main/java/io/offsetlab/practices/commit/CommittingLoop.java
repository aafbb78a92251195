package io.offsetlab.practices.commit;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * §5 "commit periodically", done so that nothing processed is read twice: a poll loop with
 * enable.auto.commit=false that commits
 * <ol>
 *   <li>every {@code commitEvery} processed records (the article's "once every 100 messages"),</li>
 *   <li>when partitions are taken away in a rebalance ({@link ConsumerRebalanceListener#onPartitionsRevoked}):
 *       the last chance to commit them before another member starts from the committed offset,</li>
 *   <li>on shutdown: {@link #shutdown()} calls {@code wakeup()}, the blocked poll() throws
 *       {@link WakeupException}, the loop commits and closes the consumer.</li>
 * </ol>
 * It commits only offsets of records it has processed ({@code offset + 1} with the record's
 * leader epoch), never the position, so a record fetched but not yet handled is never marked done.
 *
 * <p>With {@code commitOnRevocation=false} it is the common loop without a rebalance listener:
 * a revoked partition's processed-but-uncommitted records are read again by its next owner.
 * Chapter 05's tests measure both.
 */
public final class CommittingLoop implements Runnable {

    /** What the application does with one record. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(ConsumerRecord<String, String> record) throws Exception;
    }

    /** Why a commit happened, for the counters a demo or test reads. */
    public enum CommitReason { EVERY_N, REVOCATION, SHUTDOWN }

    /** Told about every commit that succeeded, on the loop's thread, right after commitSync returned. */
    @FunctionalInterface
    public interface CommitListener {
        /** @param startedAtMillis when the loop called commitSync */
        void committed(CommitReason reason, Map<TopicPartition, OffsetAndMetadata> offsets, long startedAtMillis);
    }

    private final Consumer<String, String> consumer;
    private final List<String> topics;
    private final int commitEvery;
    private final boolean commitOnRevocation;
    private final RecordHandler handler;
    private final CommitListener listener;

    /** Offsets (last processed + 1) not committed yet; only the loop's thread touches it. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private int processedSinceCommit;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Map<CommitReason, AtomicInteger> commits = Map.of(
            CommitReason.EVERY_N, new AtomicInteger(),
            CommitReason.REVOCATION, new AtomicInteger(),
            CommitReason.SHUTDOWN, new AtomicInteger());
    private final AtomicInteger revocations = new AtomicInteger();
    /** The partitions this member owns now, for whoever watches from another thread. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();

    /**
     * @param consumer a consumer with a group.id and enable.auto.commit=false; the loop owns
     *                 it from here on and closes it
     */
    public CommittingLoop(Consumer<String, String> consumer, List<String> topics, int commitEvery,
                          boolean commitOnRevocation, RecordHandler handler) {
        this(consumer, topics, commitEvery, commitOnRevocation, handler, (reason, offsets, started) -> { });
    }

    /** The same, telling {@code listener} about every successful commit. */
    public CommittingLoop(Consumer<String, String> consumer, List<String> topics, int commitEvery,
                          boolean commitOnRevocation, RecordHandler handler, CommitListener listener) {
        if (commitEvery < 1) {
            throw new IllegalArgumentException("commitEvery must be at least 1, got " + commitEvery);
        }
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.commitEvery = commitEvery;
        this.commitOnRevocation = commitOnRevocation;
        this.handler = handler;
        this.listener = listener;
    }

    /** Polls and processes until {@link #shutdown()}; then commits what it processed and closes. */
    @Override
    public void run() {
        consumer.subscribe(topics, new CommitOnRevocation());
        try {
            while (!stopping.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> record : records) {
                    process(record);
                }
            }
        } catch (WakeupException e) {
            if (!stopping.get()) {
                throw e; // someone else woke the consumer: not ours to swallow
            }
        } finally {
            try {
                commitOnShutdown();
            } finally {
                consumer.close(); // leaves the group: its partitions move at once, not after session.timeout.ms
            }
        }
    }

    /** Commits the records processed since the last commit, whatever woke the loop up. */
    private void commitOnShutdown() {
        try {
            commit(CommitReason.SHUTDOWN);
        } catch (WakeupException pending) {
            // shutdown() came while a batch was being processed: the loop ended without another
            // poll(), so the wakeup was still pending and fired here instead. It fires only once.
            commit(CommitReason.SHUTDOWN);
        }
    }

    /** Asks the loop to stop; safe from any thread. The loop commits and closes, then run() returns. */
    public void shutdown() {
        stopping.set(true);
        consumer.wakeup(); // the one KafkaConsumer method that is safe to call from another thread
    }

    private void process(ConsumerRecord<String, String> record) {
        try {
            handler.handle(record);
        } catch (Exception e) {
            throw new IllegalStateException("processing " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " failed", e);
        }
        uncommitted.put(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
        if (++processedSinceCommit >= commitEvery) {
            commit(CommitReason.EVERY_N);
        }
    }

    private void commit(CommitReason reason) {
        if (uncommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(uncommitted);
        long started = System.currentTimeMillis();
        consumer.commitSync(offsets);
        uncommitted.clear();
        processedSinceCommit = 0;
        commits.get(reason).incrementAndGet();
        listener.committed(reason, offsets, started);
    }

    /** Commits (or, without the revocation commit, forgets) what was processed of the revoked partitions. */
    private final class CommitOnRevocation implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return; // classic calls this on every rebalance, even when nothing is taken away
            }
            revocations.incrementAndGet();
            owned.removeAll(partitions);
            if (commitOnRevocation) {
                try {
                    commit(CommitReason.REVOCATION); // runs inside poll(), before the partitions move
                } catch (CommitFailedException e) {
                    // Already out of the group (e.g. after max.poll.interval.ms): nothing to save.
                    uncommitted.clear();
                }
            } else {
                // Without this listener the loop only commits partitions it still owns: the
                // progress on the revoked ones is lost and their next owner re-reads it.
                partitions.forEach(uncommitted::remove);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions); // nothing else to do: each starts at its committed offset
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Lost, not revoked: another member may already own them, so a commit would fail
            // or overwrite its progress. Drop what was processed; it will be re-read.
            partitions.forEach(uncommitted::remove);
            owned.removeAll(partitions);
        }
    }

    public int commits(CommitReason reason) {
        return commits.get(reason).get();
    }

    /** The partitions this member owns now. */
    public Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    /** How many times partitions were taken away from this member (close() counts too). */
    public int revocations() {
        return revocations.get();
    }
}

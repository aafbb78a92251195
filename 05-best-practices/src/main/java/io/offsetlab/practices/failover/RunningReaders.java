package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * §5 consumers that keep running across {@link LogTruncation}'s unclean election, one per
 * auto.offset.reset policy. Each is assign()ed to the partition (no group: what it does is its
 * fetcher's, not a coordinator's), reads offsets 0-14 from the old leader, so that its position
 * is 15 with the leader epoch of its last record, and polls on, in a thread of its own, while
 * the leader dies, the follower is elected uncleanly and new records take offsets 10-17.
 * <p>
 * When its metadata names a leader with a newer epoch, the client validates its position: it
 * asks the new leader with OffsetsForLeaderEpoch where the position's epoch ends
 * ({@code SubscriptionState.maybeValidatePositionForCurrentLeader}). That epoch ends at 10,
 * before 15: with a policy the client seeks to 10, with none poll() throws LogTruncationException
 * ({@code SubscriptionState.maybeCompleteValidation}). The scene records what each one read, and
 * what it threw.
 */
public final class RunningReaders implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Cluster cluster;
    private final TopicPartition tp;
    private final String protocol;
    private final List<Reader> readers = new ArrayList<>();

    /** Readers of {@code tp} whose clients are those of group.protocol {@code protocol} (classic or consumer). */
    RunningReaders(Cluster cluster, TopicPartition tp, String protocol) {
        this.cluster = cluster;
        this.tp = tp;
        this.protocol = protocol;
    }

    /** Starts one reader per policy, and returns once each has read {@code count} records (offsets 0 to count-1). */
    void startAndRead(List<String> policies, int count) {
        for (String policy : policies) {
            Reader reader = new Reader(policy);
            readers.add(reader);
            reader.thread.start();
        }
        Wait.until("the running readers read " + count + " records", OnePartition.TIMEOUT,
                () -> readers.stream().allMatch(r -> r.offsets.size() >= count || r.error != null));
    }

    /**
     * Lets each reader poll until it has read up to the log's {@code end} or poll() threw, for
     * at most {@link OnePartition#TIMEOUT}; then stops them (wakeup) and says what each did.
     */
    List<Reading> finish(long end) throws InterruptedException {
        readers.forEach(r -> r.stopAt = end);
        List<Reading> readings = new ArrayList<>();
        for (Reader reader : readers) {
            reader.thread.join(OnePartition.TIMEOUT.toMillis());
            if (reader.thread.isAlive()) { // still polling: the reading shows how far it got
                reader.stopped = true;
                reader.consumer.wakeup();
                reader.thread.join();
            }
            readings.add(new Reading(reader.policy, List.copyOf(reader.offsets), List.copyOf(reader.values),
                    reader.fetchOffset, reader.divergent, reader.error));
        }
        return readings;
    }

    /** Stops the readers still polling (a scene that failed half-way): wakeup, then each closes its consumer. */
    @Override
    public void close() throws InterruptedException {
        for (Reader reader : readers) {
            if (reader.thread.isAlive()) { // a reader that is done has closed its consumer already
                reader.stopped = true;
                reader.consumer.wakeup();
            }
        }
        for (Reader reader : readers) {
            reader.thread.join(OnePartition.TIMEOUT.toMillis());
        }
    }

    /** One consumer and the thread that polls it; the main thread only reads what it recorded, and wakes it up. */
    private final class Reader {
        final String policy;
        final KafkaConsumer<String, String> consumer;
        final Thread thread;
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final List<String> values = new CopyOnWriteArrayList<>();
        volatile long stopAt = -1;
        volatile boolean stopped;
        volatile Long fetchOffset;
        volatile OffsetAndMetadata divergent;
        volatile String error;

        Reader(String policy) {
            this.policy = policy;
            Map<String, Object> config = ClientConfigs.consumer(cluster, null); // no group: assign()
            // What the client does when it finds its position truncated: seek (a policy) or throw (none).
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
            config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // which client: classic, or the KIP-848 one
            this.consumer = new KafkaConsumer<>(config);
            this.thread = new Thread(this::run, "running-reader-" + policy);
            thread.setDaemon(true); // a scene that failed half-way does not keep the JVM alive
        }

        private void run() {
            try (consumer) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp)); // from offset 0, whatever the policy
                while (!stopped && !caughtUp()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                        offsets.add(record.offset());
                        values.add(record.value());
                    }
                }
            } catch (LogTruncationException e) { // policy none: the client's own evidence
                fetchOffset = e.offsetOutOfRangePartitions().get(tp);
                divergent = e.divergentOffsets().get(tp);
                error = "LogTruncationException";
            } catch (WakeupException e) {
                // stopped by finish()
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }

        /** It has read the last record before the log's end, once the scene has told it that end. */
        private boolean caughtUp() {
            return stopAt >= 0 && !offsets.isEmpty() && offsets.get(offsets.size() - 1) == stopAt - 1;
        }
    }

    /**
     * What one running reader did.
     *
     * @param offsets     the offsets it read, in order, before and after the election
     * @param values      the records' values, in the same order
     * @param fetchOffset LogTruncationException's fetch offset (its position then); null when nothing was thrown
     * @param divergent   LogTruncationException's divergent offset and epoch; null otherwise
     * @param error       what poll() threw; null when nothing
     */
    public record Reading(String policy, List<Long> offsets, List<String> values, Long fetchOffset,
                   OffsetAndMetadata divergent, String error) {

        /** The runs of consecutive offsets it read: "0-14 (base-0..lost-14)", "10-17 (new-10..new-17)". */
        public List<String> runs() {
            List<String> runs = new ArrayList<>();
            int start = 0;
            for (int i = 1; i <= offsets.size(); i++) {
                if (i == offsets.size() || offsets.get(i) != offsets.get(i - 1) + 1) {
                    runs.add(offsets.get(start) + "-" + offsets.get(i - 1) + " (" + values.get(start) + ".."
                            + values.get(i - 1) + ")");
                    start = i;
                }
            }
            return runs;
        }

        /** "earliest: read 0-14 (base-0..lost-14), then 10-17 (new-10..new-17)", and what it threw. */
        public String text() {
            String read = policy + ": read " + String.join(", then ", runs());
            if (divergent != null) {
                return read + ", then " + error + ": fetch offset " + fetchOffset + ", diverges at "
                        + divergent.offset() + " (epoch " + divergent.leaderEpoch().orElse(-1) + ")";
            }
            return error == null ? read : read + ", then " + error;
        }
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * §5 the groups of {@link LogTruncation}: one consumer reads the partition and commits
 * (commitSync: the offset and the leader epoch of the last record it read, KIP-320); other groups
 * get that same commit, with its epoch or without it (what {@code new OffsetAndMetadata(offset)}
 * commits); then each group's consumer starts again with its auto.offset.reset policy, and the
 * scene records where it started, what it read and what it threw.
 */
public final class TruncatedGroups {

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;
    private final TopicPartition tp;
    private final String protocol;

    /** Groups on partition {@code tp} whose consumers use group.protocol {@code protocol} (classic or consumer). */
    TruncatedGroups(Cluster cluster, Admin admin, Timeline timeline, TopicPartition tp, String protocol) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
        this.tp = tp;
        this.protocol = protocol;
    }

    /** A consumer of {@code group} reads {@code count} records and commits with commitSync(); returns the commit. */
    OffsetAndMetadata readAndCommit(String group, int count) throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer(group, "earliest")) { // read from the start
            consumer.subscribe(List.of(tp.topic()));
            List<ConsumerRecord<String, String>> read = Polling.pollAtLeast(consumer, count, OnePartition.TIMEOUT);
            consumer.commitSync(); // the position and the epoch of the last record read (KIP-320)
            ConsumerRecord<String, String> last = read.get(read.size() - 1);
            timeline.event("group", "read offsets 0-" + last.offset() + ", the last one " + last.value() + " (leader epoch "
                    + last.leaderEpoch().orElse(-1) + ")");
        }
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(tp);
        timeline.event("group", "committed offset " + committed.offset() + ", leader epoch " + committed.leaderEpoch().orElse(-1));
        return committed;
    }

    /** Gives {@code group} (empty) the committed offset {@code commit} (Admin alterConsumerGroupOffsets). */
    void commitFor(String group, OffsetAndMetadata commit) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(tp, commit)).all().get(30, TimeUnit.SECONDS);
    }

    /**
     * Group {@code group}'s consumer starts again with {@code policy} and reads until its position
     * is the end of the log ({@code end}), or poll() throws. What happened?
     */
    Restart restart(String group, String policy, boolean withEpoch, long end) {
        Restart.Group who = new Restart.Group(group, policy, withEpoch);
        List<Long> offsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(group, policy)) {
            consumer.subscribe(List.of(tp.topic()));
            try {
                Polling.pollUntil(consumer, OnePartition.TIMEOUT, "group " + group + " to reach the end, " + end,
                        batch -> batch.forEach(r -> {
                            offsets.add(r.offset());
                            values.add(r.value());
                        }), () -> !consumer.assignment().isEmpty() && consumer.position(tp) == end);
                // == and not >=: position() does not fetch, so a committed offset past the end stands
                // there until a fetch answers OFFSET_OUT_OF_RANGE and the policy (or poll()) acts on it
            } catch (LogTruncationException e) { // policy none, truncation detected: the client's own evidence
                return Restart.truncated(who, new Restart.Records(null, offsets, values), e.divergentOffsets().get(tp));
            } catch (OffsetOutOfRangeException e) { // policy none, the offset is beyond the log's end
                return Restart.outOfRange(who, new Restart.Records(null, offsets, values),
                        e.offsetOutOfRangePartitions().get(tp));
            }
            Long startedAt = offsets.isEmpty() ? consumer.position(tp) : offsets.get(0);
            return Restart.read(who, new Restart.Records(startedAt, offsets, values));
        }
    }

    private KafkaConsumer<String, String> consumer(String group, String policy) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, group);
        // Where it starts without a usable committed offset; with a policy, also where truncation sends it.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // only the scene's own commit
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic, or consumer (KIP-848)
        return new KafkaConsumer<>(config);
    }

    /**
     * What one group's consumer did when it started again.
     *
     * @param group           which group, with which policy and commit
     * @param records         what it read
     * @param error           what poll() threw, with the client's evidence; null when nothing
     * @param divergentOffset LogTruncationException's divergent offset; null otherwise
     */
    public record Restart(Group group, Records records, String error, Long divergentOffset) {

        /**
         * @param name      the group
         * @param policy    its consumer's auto.offset.reset
         * @param withEpoch whether its committed offset carried the leader epoch
         */
        public record Group(String name, String policy, boolean withEpoch) {
        }

        /**
         * @param startedAt the first offset it read (its position when it read nothing); null when poll() threw
         * @param offsets   the offsets it read, in order
         * @param values    the records' values, in the same order
         */
        public record Records(Long startedAt, List<Long> offsets, List<String> values) {
        }

        /** It read on, nothing thrown. */
        static Restart read(Group group, Records records) {
            return new Restart(group, records, null, null);
        }

        /** poll() threw LogTruncationException: the logs part at {@code divergent}. */
        static Restart truncated(Group group, Records records, OffsetAndMetadata divergent) {
            return new Restart(group, records, "LogTruncationException: diverges at " + divergent.offset() + " (epoch "
                    + divergent.leaderEpoch().orElse(-1) + ")", divergent.offset());
        }

        /** poll() threw OffsetOutOfRangeException: the committed {@code offset} is beyond the log's end. */
        static Restart outOfRange(Group group, Records records, Long offset) { // null: the exception named no offset for it
            return new Restart(group, records, "OffsetOutOfRangeException at " + offset, null);
        }

        /** How many records it read whose value starts with {@code prefix} ("new": written after the election). */
        public int read(String prefix) {
            return (int) records.values().stream().filter(v -> v.startsWith(prefix + "-")).count();
        }

        public Optional<String> errorText() {
            return Optional.ofNullable(error);
        }

        /** One line: "epoch, earliest: started at 10, read new-10..new-12" or the error. */
        public String text() {
            String commit = (group.withEpoch() ? "with epoch" : "no epoch") + ", " + group.policy() + ": ";
            if (error != null) {
                return commit + error;
            }
            List<String> values = records.values();
            if (values.isEmpty()) {
                return commit + "started at " + records.startedAt() + ", read nothing";
            }
            return commit + "started at " + records.startedAt() + ", read " + values.get(0) + ".." + values.get(values.size() - 1)
                    + " (" + values.size() + ")";
        }
    }
}

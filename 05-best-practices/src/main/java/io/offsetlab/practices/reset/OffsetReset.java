package io.offsetlab.practices.reset;

import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import io.offsetlab.lab.client.OffsetProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.ResourceType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * §5 keeping offsets alive, the repair: the equivalent of {@code kafka-consumer-groups.sh
 * --reset-offsets} for an inactive group, from the Admin API. Use it to put back offsets a
 * group lost (expired after offsets.retention.minutes, or deleted with its topic), or to skip
 * or replay records. {@link #plan} works out the new offsets and changes nothing:
 * <ol>
 *   <li>{@code describeConsumerGroups}: only a group that is Empty, Dead or unknown; a live
 *       member would overwrite the offsets with its own next commit, so the broker refuses
 *       (UNKNOWN_MEMBER_ID) and so does this, with the command's own message;</li>
 *   <li>{@code describeTopics}: the partitions to reset, of one topic or of a saved file;</li>
 *   <li>{@code listConsumerGroupOffsets}: the committed offsets, for the targets that start
 *       from them ({@link Target.ShiftBy}, {@link Target.Current});</li>
 *   <li>{@code listOffsets} earliest and latest: each partition's log start and end, and
 *       {@code forTimestamp} for {@link Target.Datetime} and {@link Target.ByDuration} (the
 *       first record at or after the time; the end when there is none);</li>
 *   <li>the new offset per partition, explicit numbers kept within [log start, end] with a
 *       warning, as the command does.</li>
 * </ol>
 * {@link #execute} applies a plan with {@code alterConsumerGroupOffsets}.
 *
 * <p>Every method takes the Admin client it works with, so the tool, the §5 demo and the
 * tests run the same code. The command line (options, the dry run and {@code --execute},
 * the {@code --export} and {@code --from-file} CSV, the printed plan, exit codes) is
 * {@link OffsetResetCommand}.
 */
public final class OffsetReset {

    private OffsetReset() {
    }

    /**
     * Works out the new offsets; refuses a group with members, and a plan this client could not
     * apply (it needs READ on the group and READ on the topic: {@link MissingAclException}).
     * Changes nothing. {@code topic} is null for a {@link Target.FromFile}, which names its partitions.
     */
    public static Plan plan(Admin admin, String group, String topic, Target target) throws InterruptedException, ExecutionException {
        requireInactive(admin, group);
        List<TopicPartition> partitions = target instanceof Target.FromFile file ? existing(admin, file.offsets().keySet())
                : partitionsOf(readableTopic(admin, topic));
        if (target instanceof Target.ByDuration by) { // one "now" for every partition, as the command does
            target = new Target.Datetime(Instant.now().minus(by.duration()));
        }
        // Only these targets start from the committed offsets (reading them needs DESCRIBE on the group).
        boolean fromCommitted = target instanceof Target.ShiftBy || target instanceof Target.Current;
        Map<TopicPartition, Long> committed = fromCommitted ? OffsetProbe.committed(admin, group) : Map.of();
        Map<TopicPartition, Long> starts = OffsetProbe.offsets(admin, partitions, OffsetSpec.earliest()); // Admin listOffsets
        Map<TopicPartition, Long> ends = OffsetProbe.offsets(admin, partitions, OffsetSpec.latest());
        // The command keeps explicit numbers within the log; the other targets are offsets of the log already
        // (--to-current keeps a committed offset as it is, even one outside the log).
        boolean explicit = target instanceof Target.Offset || target instanceof Target.ShiftBy || target instanceof Target.FromFile;
        Map<TopicPartition, Long> newOffsets = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long start = starts.get(tp);
            long end = ends.get(tp);
            long wanted = wanted(admin, tp, target, committed.get(tp), start, end, warnings);
            newOffsets.put(tp, explicit ? clamp(tp, wanted, start, end, warnings) : wanted);
        }
        return new Plan(group, newOffsets, warnings);
    }

    /** Commits the plan's offsets for the group (Admin alterConsumerGroupOffsets). */
    public static void execute(Admin admin, Plan plan) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = plan.newOffsets().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        admin.alterConsumerGroupOffsets(plan.group(), offsets).all().get();
    }

    /**
     * Refuses a group with members, and a group whose offsets this client may not change: an
     * OffsetCommit needs READ on the group (Kafka reports what a client may do with a group when
     * asked: includeAuthorizedOperations, KIP-430; null when the cluster has no authorizer).
     */
    private static void requireInactive(Admin admin, String group) throws InterruptedException, ExecutionException {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups().get(group).get();
            Set<AclOperation> allowed = description.authorizedOperations();
            if (allowed != null && !allowed.contains(AclOperation.READ)) {
                throw new MissingAclException(AclOperation.READ, ResourceType.GROUP, group, "change the group's committed offsets");
            }
            GroupState state = description.groupState();
            if (state != GroupState.EMPTY && state != GroupState.DEAD) {
                throw new GroupNotInactiveException(group, state);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingAclException(AclOperation.READ, ResourceType.GROUP, group, "change the group's committed offsets");
            }
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            } // no such group (e.g. its offsets expired and it is gone): resetting creates its offsets
        }
    }

    /** The topic, if it exists and this client may commit offsets for it (READ on the topic). */
    static TopicDescription readableTopic(Admin admin, String topic) throws InterruptedException, ExecutionException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames().get().get(topic);
            Set<AclOperation> allowed = description.authorizedOperations();
            if (allowed != null && !allowed.contains(AclOperation.READ)) {
                throw new MissingAclException(AclOperation.READ, ResourceType.TOPIC, topic, "commit offsets for its partitions");
            }
            return description;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist");
            }
            if (e.getCause() instanceof TopicAuthorizationException) {
                throw new MissingAclException(AclOperation.READ, ResourceType.TOPIC, topic, "commit offsets for its partitions");
            }
            throw e;
        }
    }

    static List<TopicPartition> partitionsOf(TopicDescription topic) {
        return topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())).toList();
    }

    /** The file's partitions, sorted; each topic must be readable and each partition must exist. */
    private static List<TopicPartition> existing(Admin admin, Set<TopicPartition> partitions)
            throws InterruptedException, ExecutionException {
        Set<TopicPartition> known = new HashSet<>();
        for (String topic : partitions.stream().map(TopicPartition::topic).collect(Collectors.toCollection(TreeSet::new))) {
            known.addAll(partitionsOf(readableTopic(admin, topic)));
        }
        List<TopicPartition> missing = partitions.stream().filter(tp -> !known.contains(tp)).toList();
        if (!missing.isEmpty()) { // the command's own message
            throw new IllegalArgumentException("The partitions \"" + missing.stream().map(TopicPartition::toString)
                    .collect(Collectors.joining(",")) + "\" do not exist");
        }
        return partitions.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .toList();
    }

    /** The offset {@code target} names for {@code tp}, before {@link #clamp}. */
    private static long wanted(Admin admin, TopicPartition tp, Target target, Long committed, long start, long end,
                               List<String> warnings) throws InterruptedException, ExecutionException {
        if (target instanceof Target.Offset offset) {
            return offset.offset();
        }
        if (target instanceof Target.Datetime datetime) {
            return atOrAfter(admin, tp, datetime.time(), end, warnings);
        }
        if (target instanceof Target.FromFile file) {
            return file.offsets().get(tp);
        }
        if (target instanceof Target.ShiftBy shift) {
            if (committed == null) { // the command's own message
                throw new IllegalArgumentException("Cannot shift offset for partition " + tp + " since there is no current committed offset");
            }
            return committed + shift.by();
        }
        if (target instanceof Target.Current) {
            return committed != null ? committed : end;
        }
        return target instanceof Target.Earliest ? start : end;
    }

    /** Admin listOffsets forTimestamp: the first offset whose timestamp is >= time; -1 when none. */
    static long atOrAfter(Admin admin, TopicPartition tp, Instant time, long end, List<String> warnings)
            throws InterruptedException, ExecutionException {
        long offset = OffsetProbe.offsets(admin, List.of(tp), OffsetSpec.forTimestamp(time.toEpochMilli())).get(tp);
        if (offset < 0) {
            warnings.add("Warn: Partition " + tp.partition() + " from topic " + tp.topic()
                    + " has no record at or after " + time + ". Falling back to latest known offset.");
            return end;
        }
        return offset;
    }

    /** An explicit offset outside [start, end] moves to the nearer bound, with the command's warning. */
    private static long clamp(TopicPartition tp, long wanted, long start, long end, List<String> warnings) {
        if (wanted > end) {
            warnings.add("New offset (" + wanted + ") is higher than latest offset for topic partition " + tp
                    + ". Value will be set to " + end);
            return end;
        }
        if (wanted < start) {
            warnings.add("New offset (" + wanted + ") is lower than earliest offset for topic partition " + tp
                    + ". Value will be set to " + start);
            return start;
        }
        return wanted;
    }

    /** {@code ./run reset-offsets}: only wires; the options, CSV, printing and exit codes are {@link OffsetResetCommand}'s. */
    public static void main(String[] args) {
        OffsetResetCommand.RUNNER.main(args);
    }

    /** Where to move the offsets. */
    public sealed interface Target {
        record Earliest() implements Target { }
        record Latest() implements Target { }
        record Offset(long offset) implements Target { }
        record Datetime(Instant time) implements Target { }
        /** The first record at or after now minus the duration. */
        record ByDuration(Duration duration) implements Target { }
        /** The committed offset plus {@code by}. */
        record ShiftBy(long by) implements Target { }
        /** The committed offset; the end for a partition without one. */
        record Current() implements Target { }
        /** The offsets read from a CSV file, per partition. */
        record FromFile(Map<TopicPartition, Long> offsets) implements Target { }
    }

    /** The group is live; the message is kafka-consumer-groups.sh's own. */
    public static final class GroupNotInactiveException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GroupNotInactiveException(String group, GroupState state) {
            super("Assignments can only be reset if the group '" + group + "' is inactive, but the current state is " + state + ".");
        }
    }

    /** The new offset per partition, and warnings about values that were moved into range. */
    public record Plan(String group, Map<TopicPartition, Long> newOffsets, List<String> warnings) {
    }
}

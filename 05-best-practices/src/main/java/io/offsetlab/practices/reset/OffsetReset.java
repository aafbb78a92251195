package io.offsetlab.practices.reset;

import io.offsetlab.lab.DemoArgs.Option;
import io.offsetlab.lab.DemoArgs.UsageException;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaFailures.MissingAclException;
import io.offsetlab.lab.Logging;
import io.offsetlab.lab.OffsetProbe;
import io.offsetlab.lab.TextTable;
import io.offsetlab.practices.tools.ToolRunner;
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

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
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
 * --reset-offsets} for one topic of an inactive group, built on Admin
 * {@code alterConsumerGroupOffsets}. Use it to put back offsets a group lost (expired after
 * offsets.retention.minutes, or deleted with its topic), or to skip or replay records.
 * <ul>
 *   <li>a dry run by default: it prints the plan (GROUP TOPIC PARTITION NEW-OFFSET) and
 *       changes nothing; {@code --execute} applies it;</li>
 *   <li>only for a group that is Empty, Dead or unknown: a live member would overwrite the
 *       offsets with its own next commit, so the broker refuses (UNKNOWN_MEMBER_ID) and so does
 *       this tool, with the command's own message;</li>
 *   <li>targets: {@code --to-earliest}, {@code --to-latest}, {@code --to-offset N} and
 *       {@code --shift-by N} (kept within [log start, end], with a warning, as the command
 *       does), {@code --to-datetime T} and {@code --by-duration D} (the first record with a
 *       timestamp at or after T, or now minus D; the end when there is none),
 *       {@code --to-current} (the committed offset; the end where there is none) and
 *       {@code --from-file FILE} (the offsets in a CSV that {@code --export} wrote);</li>
 *   <li>{@code --export} prints the plan as that CSV ({@code topic,partition,offset} per line,
 *       the command's format for one group), to save the offsets before changing them.</li>
 * </ul>
 */
public final class OffsetReset {

    static final String COMMAND = "./run reset-offsets";
    static final String SUMMARY = "§5 reset an inactive group's offsets: kafka-consumer-groups.sh --reset-offsets, from the Admin API";
    static final String GROUP = "--group";
    static final String TOPIC = "--topic";
    static final String TO_EARLIEST = "--to-earliest";
    static final String TO_LATEST = "--to-latest";
    static final String TO_OFFSET = "--to-offset";
    static final String TO_DATETIME = "--to-datetime";
    static final String BY_DURATION = "--by-duration";
    static final String SHIFT_BY = "--shift-by";
    static final String TO_CURRENT = "--to-current";
    static final String FROM_FILE = "--from-file";
    static final String EXPORT = "--export";
    static final String EXECUTE = "--execute";
    static final List<Option> OPTIONS = List.of(
            new Option(GROUP, "GROUP", "the consumer group (required; must have no active members)"),
            new Option(TOPIC, "TOPIC", "the topic whose partitions to reset (required, except with " + FROM_FILE + ")"),
            Option.flag(TO_EARLIEST, "to each partition's log start offset"),
            Option.flag(TO_LATEST, "to each partition's end (skip everything written so far)"),
            new Option(TO_OFFSET, "N", "to offset N (kept within log start .. end)"),
            new Option(TO_DATETIME, "T", "to the first record at or after T: 2026-11-24T09:00:00Z, or local time without a zone"),
            new Option(BY_DURATION, "D", "to the first record at or after now minus D, e.g. PT1H or P1DT12H (ISO-8601)"),
            new Option(SHIFT_BY, "N", "to the committed offset plus N (N < 0 re-reads, N > 0 skips)"),
            Option.flag(TO_CURRENT, "to the committed offset (the end where there is none)"),
            new Option(FROM_FILE, "FILE", "to the offsets in FILE: topic,partition,offset lines, as " + EXPORT + " writes"),
            Option.flag(EXPORT, "print the plan as CSV (topic,partition,offset) instead of a table"),
            Option.flag(EXECUTE, "apply the plan (without it: a dry run that changes nothing)"));

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

    private OffsetReset() {
    }

    public static void main(String[] args) {
        Logging.quietUnlessVerbose(args);
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ToolRunner.run(COMMAND, SUMMARY, OPTIONS, List.of(GROUP), OffsetReset::target, args,
                OffsetReset::run, out, err);
    }

    static int run(Admin admin, DemoArgs args, PrintStream out, PrintStream err) throws Exception {
        String group = args.option(GROUP, null);
        Target target = target(args);
        Plan plan;
        try {
            plan = plan(admin, group, args.option(TOPIC, null), target);
        } catch (GroupNotInactiveException e) {
            err.println("Error: " + e.getMessage());
            return DemoRunner.FAILED;
        }
        plan.warnings().forEach(err::println);
        if (args.flag(EXPORT)) {
            out.print(csv(plan));
        } else {
            print(plan, out);
        }
        if (args.flag(EXECUTE)) {
            execute(admin, plan);
            err.println("Applied: the group's committed offsets are now the NEW-OFFSET column.");
        } else {
            err.println("Dry run: nothing changed. Add " + EXECUTE + " to apply.");
        }
        return DemoRunner.OK;
    }

    /**
     * Exactly one target option, parsed, and {@code --topic} unless the target is a file; a
     * {@link UsageException} otherwise.
     */
    static Target target(DemoArgs args) {
        Target target = onlyTarget(args);
        if (target instanceof Target.FromFile && args.option(TOPIC, null) != null) {
            throw new UsageException(FROM_FILE + " names its partitions: give no " + TOPIC);
        }
        if (!(target instanceof Target.FromFile) && args.option(TOPIC, null) == null) {
            throw new UsageException(TOPIC + " is required");
        }
        return target;
    }

    private static Target onlyTarget(DemoArgs args) {
        List<Target> targets = new ArrayList<>();
        if (args.flag(TO_EARLIEST)) {
            targets.add(new Target.Earliest());
        }
        if (args.flag(TO_LATEST)) {
            targets.add(new Target.Latest());
        }
        if (args.option(TO_OFFSET, null) != null) {
            targets.add(new Target.Offset(parseOffset(args.option(TO_OFFSET, null))));
        }
        if (args.option(TO_DATETIME, null) != null) {
            targets.add(new Target.Datetime(parseDatetime(args.option(TO_DATETIME, null))));
        }
        if (args.option(BY_DURATION, null) != null) {
            targets.add(new Target.ByDuration(parseDuration(args.option(BY_DURATION, null))));
        }
        if (args.option(SHIFT_BY, null) != null) {
            targets.add(new Target.ShiftBy(parseShift(args.option(SHIFT_BY, null))));
        }
        if (args.flag(TO_CURRENT)) {
            targets.add(new Target.Current());
        }
        if (args.option(FROM_FILE, null) != null) {
            targets.add(new Target.FromFile(readCsv(Path.of(args.option(FROM_FILE, null)), args.option(GROUP, null))));
        }
        if (targets.size() != 1) {
            throw new UsageException("give exactly one of " + TO_EARLIEST + ", " + TO_LATEST + ", " + TO_OFFSET + " N, "
                    + TO_DATETIME + " T, " + BY_DURATION + " D, " + SHIFT_BY + " N, " + TO_CURRENT + ", " + FROM_FILE + " FILE");
        }
        return targets.get(0);
    }

    private static Duration parseDuration(String text) {
        try {
            Duration duration = Duration.parse(text);
            if (!duration.isNegative()) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new UsageException(BY_DURATION + " expects an ISO-8601 duration such as PT30M, PT1H or P1DT12H, got '" + text + "'");
    }

    private static long parseShift(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(SHIFT_BY + " must be a whole number (negative to go back), got '" + text + "'");
        }
    }

    /**
     * The offsets of {@code group} in a CSV as kafka-consumer-groups --export writes it:
     * {@code topic,partition,offset} per line for one group, {@code group,topic,partition,offset}
     * for several (then only {@code group}'s lines count).
     */
    static Map<TopicPartition, Long> readCsv(Path file, String group) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UsageException(FROM_FILE + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue; // the command's own export ends with an empty line
            }
            String[] cells = lines.get(i).trim().split(",");
            try {
                if (cells.length == 3 || cells.length == 4 && cells[0].equals(group)) {
                    int at = cells.length - 3; // the group column, if any, comes first
                    offsets.put(new TopicPartition(cells[at], Integer.parseInt(cells[at + 1])), Long.parseLong(cells[at + 2]));
                } else if (cells.length != 4) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new UsageException(FROM_FILE + ": line " + (i + 1) + " of " + file + " is not topic,partition,offset"
                        + " (or group,topic,partition,offset): '" + lines.get(i) + "'");
            }
        }
        if (offsets.isEmpty()) {
            throw new UsageException(FROM_FILE + ": " + file + " has no offsets for group '" + group + "'");
        }
        return offsets;
    }

    private static long parseOffset(String text) {
        try {
            long offset = Long.parseLong(text);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(TO_OFFSET + " must be an offset (0 or more), got '" + text + "'");
    }

    /** An ISO-8601 instant (2026-11-24T09:00:00Z, +01:00) or a local date-time in this machine's zone. */
    static Instant parseDatetime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                throw new UsageException(TO_DATETIME + " expects e.g. 2026-11-24T09:00:00Z or 2026-11-24T09:00:00"
                        + " (local time), got '" + text + "'");
            }
        }
    }

    /**
     * Works out the new offsets; refuses a group with members, and a plan this client could not
     * apply (it needs READ on the group and READ on the topic: {@link MissingAclException}).
     * Changes nothing.
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
        Map<TopicPartition, Long> starts = OffsetProbe.offsets(admin, partitions, OffsetSpec.earliest());
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

    private static List<TopicPartition> partitionsOf(TopicDescription topic) {
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
    private static TopicDescription readableTopic(Admin admin, String topic) throws InterruptedException, ExecutionException {
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

    /** Admin listOffsets forTimestamp: the first offset whose timestamp is >= time; -1 when none. */
    private static long atOrAfter(Admin admin, TopicPartition tp, Instant time, long end, List<String> warnings)
            throws InterruptedException, ExecutionException {
        long offset = OffsetProbe.offsets(admin, List.of(tp), OffsetSpec.forTimestamp(time.toEpochMilli())).get(tp);
        if (offset < 0) {
            warnings.add("Warn: Partition " + tp.partition() + " from topic " + tp.topic()
                    + " has no record at or after " + time + ". Falling back to latest known offset.");
            return end;
        }
        return offset;
    }

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

    /** The plan as kafka-consumer-groups --export prints it for one group: topic,partition,offset per line. */
    public static String csv(Plan plan) {
        StringBuilder csv = new StringBuilder();
        plan.newOffsets().forEach((tp, offset) -> csv.append(tp.topic()).append(',').append(tp.partition()).append(',')
                .append(offset).append('\n'));
        return csv.toString();
    }

    /** The command's plan table. */
    public static void print(Plan plan, PrintStream out) {
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        plan.newOffsets().forEach((tp, offset) -> table.row(plan.group(), tp.topic(), tp.partition(), offset));
        out.print(table.render());
    }
}

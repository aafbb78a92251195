package io.offsetlab.practices.reset;

import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.run.UsageException;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.reset.OffsetReset.GroupNotInactiveException;
import io.offsetlab.practices.reset.OffsetReset.Plan;
import io.offsetlab.practices.reset.OffsetReset.Target;
import io.offsetlab.practices.reset.ShareGroupReset.ShareGroupNotEmptyException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link OffsetReset}, {@code ./run reset-offsets}: exactly one target
 * option, parsed into a {@link Target}; the plan printed as the command's table (or, with
 * {@code --export}, as its CSV); a dry run unless {@code --execute}. A share group (§6) gets
 * {@link ShareGroupReset}: kafka-share-groups.sh's targets, earliest, latest and a time. Exit codes: 0 done (or
 * dry run), 1 failed or refused (a live group, a missing topic or ACL), 2 bad command line.
 * <ul>
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
public final class OffsetResetCommand {

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
    static final Runner RUNNER = Runner.tool("./run reset-offsets", OffsetResetCommand::run)
            .describe("§5 reset an inactive group's offsets: kafka-consumer-groups.sh --reset-offsets, from the Admin API")
            .requiredOption(GROUP, "GROUP", "the consumer group or share group (required; must have no active members)")
            .option(TOPIC, "TOPIC", "the topic whose partitions to reset (required, except with " + FROM_FILE + ")")
            .flag(TO_EARLIEST, "to each partition's log start offset")
            .flag(TO_LATEST, "to each partition's end (skip everything written so far)")
            .option(TO_OFFSET, "N", "to offset N (kept within log start .. end)")
            .option(TO_DATETIME, "T", "to the first record at or after T: 2026-11-24T09:00:00Z, or local time without a zone")
            .option(BY_DURATION, "D", "to the first record at or after now minus D, e.g. PT1H or P1DT12H (ISO-8601)")
            .option(SHIFT_BY, "N", "to the committed offset plus N (N < 0 re-reads, N > 0 skips)")
            .flag(TO_CURRENT, "to the committed offset (the end where there is none)")
            .option(FROM_FILE, "FILE", "to the offsets in FILE: topic,partition,offset lines, as " + EXPORT + " writes")
            .flag(EXPORT, "print the plan as CSV (topic,partition,offset) instead of a table")
            .flag(EXECUTE, "apply the plan (without it: a dry run that changes nothing)")
            .checkOptions(OffsetResetCommand::target);

    private OffsetResetCommand() {
    }

    /** The tool: parses {@code args}, connects, runs; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return RUNNER.run(args, out, err);
    }

    /** The tool on a connected cluster: plan, print (a table, or CSV with --export), and apply with --execute. */
    static int run(Admin admin, Arguments args, PrintStream out, PrintStream err) throws Exception {
        String group = args.option(GROUP, null);
        Target target = target(args);
        boolean share = ShareGroupReset.isShareGroup(admin, group); // §6: a share group's start offsets
        Plan plan;
        try {
            plan = share ? ShareGroupReset.plan(admin, group, args.option(TOPIC, null), target)
                    : OffsetReset.plan(admin, group, args.option(TOPIC, null), target);
        } catch (GroupNotInactiveException | ShareGroupNotEmptyException e) {
            err.println("Error: " + e.getMessage());
            return Runner.FAILED;
        }
        plan.warnings().forEach(err::println);
        if (args.flag(EXPORT)) {
            out.print(csv(plan));
        } else {
            print(plan, out);
        }
        if (args.flag(EXECUTE) && share) {
            ShareGroupReset.execute(admin, plan);
            err.println("Applied: the share group's start offsets are now the NEW-OFFSET column.");
        } else if (args.flag(EXECUTE)) {
            OffsetReset.execute(admin, plan);
            err.println("Applied: the group's committed offsets are now the NEW-OFFSET column.");
        } else {
            err.println("Dry run: nothing changed. Add " + EXECUTE + " to apply.");
        }
        return Runner.OK;
    }

    /**
     * Exactly one target option, parsed, and {@code --topic} unless the target is a file; a
     * {@link UsageException} otherwise.
     */
    static Target target(Arguments args) {
        Target target = onlyTarget(args);
        if (target instanceof Target.FromFile && args.option(TOPIC, null) != null) {
            throw new UsageException(FROM_FILE + " names its partitions: give no " + TOPIC);
        }
        if (!(target instanceof Target.FromFile) && args.option(TOPIC, null) == null) {
            throw new UsageException(TOPIC + " is required");
        }
        return target;
    }

    private static Target onlyTarget(Arguments args) {
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
    private static Instant parseDatetime(String text) {
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

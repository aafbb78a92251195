package io.offsetlab.practices.monitor;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.run.UsageException;
import io.offsetlab.lab.view.Columns;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import io.offsetlab.practices.monitor.LagStatus.Sample;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * The command line of {@link LagMonitor}, {@code ./run lag-monitor}: options, sampling,
 * printing and exit codes. It prints {@link LagMonitor#describe}'s rows in the layout of
 * {@code kafka-consumer-groups.sh --describe}, for one group or with {@code --all-groups}.
 * A share group (§6) gets {@link ShareGroupLag#describe}'s rows in the layout of
 * {@code kafka-share-groups.sh --describe}; {@code --all-groups} prints those after the consumer groups.
 *
 * <p>On top of the command, an empty group is flagged: its offsets are on a clock
 * (offsets.retention.minutes, KIP-211), and when they expire auto.offset.reset decides. And
 * beyond it: {@code --watch} samples again and again and shows each partition's trend, and
 * {@code --check} judges each group ({@link LagStatus}) with an exit code a script can act on;
 * both are {@link LagWatch}. Share groups' tables are {@link ShareGroupTables}.
 * Exit codes: 0 done, 1 failed (no such group, no cluster), 2 bad command line, {@value #NOT_OK}
 * a group is not OK.
 *
 * <pre>./run lag-monitor --bootstrap-server HOST:PORT [--command-config FILE] (--group GROUP | --all-groups)
 *     [--watch SECONDS [--samples N]] [--check [--max-lag-seconds N]] [--time-lag]</pre>
 *
 * <p>{@code --time-lag} adds how far behind each partition is in time ({@link TimeLagColumn}):
 * the age of its oldest unconsumed record, and under {@code --watch} the usual estimate from
 * sampled end offsets beside it; {@code --max-lag-seconds} makes {@code --check} judge it.
 */
public final class LagMonitorCommand {

    static final String GROUP = "--group";
    static final String ALL_GROUPS = "--all-groups";
    public static final String WATCH = "--watch";
    public static final String SAMPLES = "--samples";
    public static final String CHECK = "--check";
    public static final String TIME_LAG = "--time-lag";
    public static final String MAX_LAG_SECONDS = "--max-lag-seconds";
    /** --check's exit code when a group is not OK: 1 and 2 already mean "failed" and "bad command line". */
    public static final int NOT_OK = 3;
    /** How many samples --check --watch judges when --samples is not given. */
    static final int CHECK_WINDOW = 5;
    public static final Runner RUNNER = Runner.tool("./run lag-monitor", LagMonitorCommand::run)
            .describe("§5 lag monitor: kafka-consumer-groups.sh --describe, from the Admin API, and a status per group")
            .option(GROUP, "GROUP", "the consumer group or share group to describe (or " + ALL_GROUPS + ")")
            .flag(ALL_GROUPS, "every consumer group, then every share group, each by group id as their commands list them")
            .option(WATCH, "SECONDS", "sample every SECONDS until Ctrl-C: rates and time to catch up")
            .option(SAMPLES, "N", "with " + WATCH + ": stop after N samples (" + CHECK + " judges " + CHECK_WINDOW + " by default)")
            .flag(CHECK, "a status per group (OK, WARN, BEHIND, STALL, STOP, OFFSETS AT RISK); exit " + NOT_OK + " if one is not OK")
            .option(MAX_LAG_SECONDS, "N", "with " + CHECK + ": BEHIND when a group's oldest unconsumed record is older than N s")
            .flag(TIME_LAG, "add TIME-LAG: the age of each partition's oldest unconsumed record (needs READ on the topic);"
                    + " with " + WATCH + " also the estimate from sampled end offsets, and its error;"
                    + " for a share group, the age of the record at START-OFFSET")
            .checkOptions(LagMonitorCommand::checkOptions);

    /** The columns of kafka-consumer-groups.sh --describe. */
    static final List<String> COLUMNS = List.of("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
            "CONSUMER-ID", "HOST", "CLIENT-ID");
    private static final Set<GroupState> REBALANCING = Set.of(GroupState.PREPARING_REBALANCE,
            GroupState.COMPLETING_REBALANCE, GroupState.ASSIGNING, GroupState.RECONCILING);
    /** How much of CONSUMER-ID {@link #printNarrow} keeps. */
    private static final int SHORT_ID = 16;

    private LagMonitorCommand() {
    }

    /** The tool: parses {@code args}, connects, runs; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return RUNNER.run(args, out, err);
    }

    /** Which groups and how to sample them: a {@link UsageException} for a combination that means nothing. */
    static void checkOptions(Arguments args) {
        if ((args.option(GROUP, null) == null) == !args.flag(ALL_GROUPS)) {
            throw new UsageException("give " + GROUP + " GROUP or " + ALL_GROUPS + " (one of them)");
        }
        if (args.option(SAMPLES, null) != null && args.option(WATCH, null) == null) {
            throw new UsageException(SAMPLES + " counts the samples of " + WATCH + ": give " + WATCH + " SECONDS too");
        }
        if (args.option(MAX_LAG_SECONDS, null) != null && !args.flag(CHECK)) {
            throw new UsageException(MAX_LAG_SECONDS + " is a limit for " + CHECK + ": give " + CHECK + " too");
        }
        args.positiveInt(WATCH, 1);
        args.positiveInt(SAMPLES, 1);
        args.positiveInt(MAX_LAG_SECONDS, 1);
    }

    /** The tool on a connected cluster: describe once, or sample with --watch, or judge with --check. */
    public static int run(Admin admin, Arguments args, PrintStream out, PrintStream err) throws Exception {
        boolean timeLag = args.flag(TIME_LAG) || args.option(MAX_LAG_SECONDS, null) != null;
        // The time lag reads records: a consumer of the same cluster, with the same client settings.
        try (TimeLagColumn column = timeLag ? new TimeLagColumn(new ExternalCluster(args.bootstrapServers(), args.commandConfig())) : null) {
            int exit = run(admin, args, column, out, err);
            if (column != null) {
                column.printNotes(err);
            }
            return exit;
        }
    }

    private static int run(Admin admin, Arguments args, TimeLagColumn timeLag, PrintStream out, PrintStream err) throws Exception {
        boolean allGroups = args.flag(ALL_GROUPS);
        List<String> shareGroups = ShareGroupLag.allGroups(admin);
        if (!allGroups && shareGroups.contains(args.option(GROUP, null))) {
            boolean sampling = args.option(WATCH, null) != null || args.flag(CHECK);
            return ShareGroupTables.describeOne(admin, args.option(GROUP, null), sampling, timeLag, out, err);
        }
        List<String> groups = allGroups ? LagMonitor.allGroups(admin) : List.of(args.option(GROUP, null));
        int every = args.positiveInt(WATCH, 0);
        boolean check = args.flag(CHECK);
        if (every == 0 && !check) {
            if (!allGroups) {
                return describeOne(admin, groups.get(0), timeLag, out, err);
            }
            describeEach(admin, groups, timeLag, out, err);
            ShareGroupTables.describeEach(admin, shareGroups, timeLag, out, err);
            return Runner.OK;
        }
        if (allGroups && !shareGroups.isEmpty()) {
            err.println("(" + shareGroups.size() + " share groups left out: " + WATCH + " and " + CHECK + " follow committed"
                    + " offsets, which a share group does not have)");
        }
        int samples = every == 0 ? 1 : args.positiveInt(SAMPLES, check ? CHECK_WINDOW : Integer.MAX_VALUE);
        LagWatch sampled = new LagWatch(admin, groups, every, samples);
        if (check) {
            Map<String, List<Sample>> windows = sampled.collect();
            long maxLagMs = args.positiveInt(MAX_LAG_SECONDS, 0) * 1000L;
            return windows.isEmpty() && !allGroups ? noSuchGroup(groups.get(0), err) : LagWatch.judge(windows, timeLag, maxLagMs, out);
        }
        boolean seen = sampled.watch(timeLag, out);
        return !seen && !allGroups ? noSuchGroup(groups.get(0), err) : Runner.OK;
    }

    private static int describeOne(Admin admin, String group, TimeLagColumn timeLag, PrintStream out, PrintStream err)
            throws Exception {
        GroupLag lag = LagMonitor.describe(admin, group);
        if (lag == null) {
            return noSuchGroup(group, err);
        }
        print(lag, timeLag, out, err);
        if (lag.rows().isEmpty()) {
            err.println("No committed offsets to show: the group has none, or none this user may see (Kafka leaves out,"
                    + " without an error, the offsets of topics the user has no DESCRIBE on).");
        }
        return Runner.OK;
    }

    /** --all-groups: each group's table in turn, a blank line after each, as the command prints them. */
    private static void describeEach(Admin admin, List<String> groups, TimeLagColumn timeLag, PrintStream out, PrintStream err)
            throws Exception {
        EmptyGroupFacts step4 = new EmptyGroupFacts(admin); // asked once for all the groups
        for (String group : groups) {
            GroupLag lag = unlessDeletedMeanwhile(group, () -> LagMonitor.describe(admin, group, step4), err);
            if (lag != null && !lag.rows().isEmpty()) { // like the command: a group without rows gets no table
                print(lag, timeLag, out, err);
                out.println();
            }
        }
    }

    /**
     * One group of --all-groups, or null. Another application may delete a topic or a group while
     * this runs (the tests' own, on CI's shared broker), which fails the describe of that group and
     * not the others': it is described once more, then skipped with a line on stderr.
     * kafka-consumer-groups --describe --all-groups fails as a whole there, and shows no group.
     */
    static <T> T unlessDeletedMeanwhile(String group, Callable<T> describe, PrintStream err) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return describe.call();
            } catch (ExecutionException e) {
                boolean deleted = e.getCause() instanceof UnknownTopicOrPartitionException
                        || e.getCause() instanceof GroupIdNotFoundException;
                if (!deleted) {
                    throw e;
                }
                if (attempt == 2) {
                    err.println("Skipped group '" + group + "': " + e.getCause().getMessage() + " (deleted while it was described)");
                    return null;
                }
            }
        }
    }

    /** The command's words for a group that is not there; exit 1. */
    private static int noSuchGroup(String group, PrintStream err) {
        err.println("Error: Consumer group '" + group + "' does not exist.");
        return Runner.FAILED;
    }

    /** The command's layout: notices on stderr, the table on stdout, with every column of the real command. */
    public static void print(GroupLag lag, PrintStream out, PrintStream err) {
        print(lag, null, out, err);
    }

    /** The same, with TIME-LAG last when {@code timeLag} is given (--time-lag). */
    private static void print(GroupLag lag, TimeLagColumn timeLag, PrintStream out, PrintStream err) {
        printNotices(lag, err);
        if (timeLag != null) {
            timeLag.printTable(lag, COLUMNS, out);
            return;
        }
        TextTable table = new TextTable(COLUMNS.toArray(String[]::new));
        lag.rows().forEach(row -> table.row(row.cells().toArray()));
        out.print(table.render());
    }

    /**
     * The same, narrowed for a demo's 100 columns: HOST and CLIENT-ID left out, CONSUMER-ID cut
     * to its first {@value #SHORT_ID} characters and "...".
     */
    public static void printNarrow(GroupLag lag, PrintStream out, PrintStream err) {
        printNotices(lag, err);
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID");
        for (Row row : lag.rows()) {
            List<String> cells = row.cells();
            String id = cells.get(6);
            table.row(cells.get(0), cells.get(1), cells.get(2), cells.get(3), cells.get(4), cells.get(5),
                    id.length() > SHORT_ID ? id.substring(0, SHORT_ID) + "..." : id);
        }
        out.print(table.render());
    }

    private static void printNotices(GroupLag lag, PrintStream err) {
        if (lag.state() == GroupState.EMPTY) {
            err.println("Consumer group '" + lag.group() + "' has no active members.");
            err.println(Columns.wrap(expiryWarning(lag), Columns.TERMINAL, "  "));
        } else if (REBALANCING.contains(lag.state())) {
            err.println("Warning: Consumer group '" + lag.group() + "' is rebalancing.");
        }
    }

    /** What an empty group risks (KIP-211), with this cluster's retention when it could be read. */
    static String expiryWarning(GroupLag lag) {
        String retention = lag.retentionMinutes() == null
                ? "offsets.retention.minutes (default 10080 = 7 days)"
                : "offsets.retention.minutes=" + lag.retentionMinutes() + " on this cluster";
        return "Warning (offsets alive): the group is empty, so its committed offsets expire after " + retention
                + ", counted from " + lag.expiryClock() + " (KIP-211). Then auto.offset.reset decides where its consumers start."
                + " Start a member before that, or save the offsets (./run reset-offsets can restore them).";
    }
}

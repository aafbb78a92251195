package io.offsetlab.practices.monitor;

import io.offsetlab.lab.BrokerSettings;
import io.offsetlab.lab.DemoArgs.Option;
import io.offsetlab.lab.DemoArgs.UsageException;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaFailures.MissingAclException;
import io.offsetlab.lab.Logging;
import io.offsetlab.lab.Columns;
import io.offsetlab.lab.TextTable;
import io.offsetlab.practices.monitor.LagStatus.Sample;
import io.offsetlab.practices.monitor.LagStatus.Status;
import io.offsetlab.practices.monitor.LagStatus.Trend;
import io.offsetlab.practices.monitor.LagStatus.Verdict;
import io.offsetlab.practices.tools.ToolRunner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * §5 "monitor offsets with kafka-consumer-groups.sh --describe", built from the Admin calls
 * that command makes, so that a reader sees where each column comes from:
 * <ul>
 *   <li>CURRENT-OFFSET: the group's committed offset ({@code listConsumerGroupOffsets}), not
 *       any consumer's live position; "-" for a partition the group never committed;</li>
 *   <li>LOG-END-OFFSET: {@code listOffsets(latest)} with READ_UNCOMMITTED, i.e. the high
 *       watermark (neither the log end offset nor, for transactions, the LSO);</li>
 *   <li>LAG = LOG-END-OFFSET - CURRENT-OFFSET, "-" without a committed offset;</li>
 *   <li>CONSUMER-ID HOST CLIENT-ID: the member the partition is assigned to
 *       ({@code describeConsumerGroups}), "-" for committed partitions nobody owns.</li>
 * </ul>
 * Rows come in the command's order: members with the most partitions first, each member's
 * partitions by topic and number, then committed partitions no member owns.
 *
 * <p>On top of the command, an empty group is flagged: its offsets are on a clock
 * (offsets.retention.minutes, KIP-211), and when they expire auto.offset.reset decides. And
 * beyond it: {@code --watch} samples again and again and shows each partition's trend, and
 * {@code --check} judges each group ({@link LagStatus}) with an exit code a script can act on.
 *
 * <pre>./run lag-monitor --bootstrap-server HOST:PORT [--command-config FILE] (--group GROUP | --all-groups)
 *     [--watch SECONDS [--samples N]] [--check]</pre>
 */
public final class LagMonitor {

    static final String GROUP = "--group";
    static final String ALL_GROUPS = "--all-groups";
    public static final String WATCH = "--watch";
    public static final String SAMPLES = "--samples";
    public static final String CHECK = "--check";
    /** --check's exit code when a group is not OK: 1 and 2 already mean "failed" and "bad command line". */
    public static final int NOT_OK = 3;
    /** How many samples --check --watch judges when --samples is not given. */
    static final int CHECK_WINDOW = 5;
    static final String COMMAND = "./run lag-monitor";
    static final String SUMMARY = "§5 lag monitor: kafka-consumer-groups.sh --describe, from the Admin API, and a status per group";
    public static final List<Option> OPTIONS = List.of(
            new Option(GROUP, "GROUP", "the consumer group to describe (or " + ALL_GROUPS + ")"),
            Option.flag(ALL_GROUPS, "every consumer group, in the command's order (by group id)"),
            new Option(WATCH, "SECONDS", "sample every SECONDS until Ctrl-C: rates and time to catch up"),
            new Option(SAMPLES, "N", "with " + WATCH + ": stop after N samples (" + CHECK + " judges " + CHECK_WINDOW + " by default)"),
            Option.flag(CHECK, "a status per group (OK, WARN, STALL, STOP, OFFSETS AT RISK); exit " + NOT_OK + " if one is not OK"));

    /** One row of the table; null prints as "-". */
    public record Row(String group, String topic, int partition, Long currentOffset, Long logEndOffset, Long lag,
                      String consumerId, String host, String clientId) {

        /** The cells as the command prints them. */
        public List<String> cells() {
            return List.of(group, topic, String.valueOf(partition), text(currentOffset), text(logEndOffset), text(lag),
                    text(consumerId), text(host), text(clientId));
        }

        private static String text(Object value) {
            return value == null ? "-" : value.toString();
        }
    }

    /**
     * A described group: its state, type, rows, and, for an empty group, the broker's
     * offsets.retention.minutes if readable and whether it is a simple group (no protocol type:
     * its consumers only commit, with assign(), and never join).
     */
    public record GroupLag(String group, GroupState state, GroupType type, List<Row> rows, Long retentionMinutes,
                           boolean simple) {

        public GroupLag(String group, GroupState state, GroupType type, List<Row> rows, Long retentionMinutes) {
            this(group, state, type, rows, retentionMinutes, false);
        }

        /** Empty: nobody consumes, and the retention clock for its offsets is running (KIP-211). */
        public boolean offsetsOnTheClock() {
            return state == GroupState.EMPTY;
        }

        /**
         * What the expiry clock of an empty group's offsets counts from, in Kafka 4.4: when the group
         * became empty for a classic group, each partition's last commit for a consumer-protocol
         * group and for a simple group (ClassicGroup and ConsumerGroup.offsetExpirationCondition).
         */
        public String expiryClock() {
            if (!expiryCountsFromEachCommit()) {
                return "when the group became empty";
            }
            if (simple) {
                return "each partition's last commit (a simple group: its consumers only commit, with assign())";
            }
            return "each partition's last commit (a consumer-protocol group)";
        }

        /** True for a consumer-protocol group and a simple group; false for a classic group (see {@link #expiryClock()}). */
        public boolean expiryCountsFromEachCommit() {
            return simple || type == GroupType.CONSUMER;
        }
    }

    private static final Set<GroupState> REBALANCING = Set.of(GroupState.PREPARING_REBALANCE,
            GroupState.COMPLETING_REBALANCE, GroupState.ASSIGNING, GroupState.RECONCILING);

    private LagMonitor() {
    }

    public static void main(String[] args) {
        Logging.quietUnlessVerbose(args);
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ToolRunner.run(COMMAND, SUMMARY, OPTIONS, List.of(), LagMonitor::checkOptions, args, LagMonitor::run, out, err);
    }

    /** Which groups and how to sample them: a {@link UsageException} for a combination that means nothing. */
    static void checkOptions(DemoArgs args) {
        if ((args.option(GROUP, null) == null) == !args.flag(ALL_GROUPS)) {
            throw new UsageException("give " + GROUP + " GROUP or " + ALL_GROUPS + " (one of them)");
        }
        if (args.option(SAMPLES, null) != null && args.option(WATCH, null) == null) {
            throw new UsageException(SAMPLES + " counts the samples of " + WATCH + ": give " + WATCH + " SECONDS too");
        }
        args.positiveInt(WATCH, 1);
        args.positiveInt(SAMPLES, 1);
    }

    public static int run(Admin admin, DemoArgs args, PrintStream out, PrintStream err) throws Exception {
        List<String> groups = args.flag(ALL_GROUPS) ? allGroups(admin) : List.of(args.option(GROUP, null));
        int every = args.positiveInt(WATCH, 0);
        boolean check = args.flag(CHECK);
        if (every == 0 && !check) {
            return args.flag(ALL_GROUPS) ? describeEach(admin, groups, out, err) : describeOne(admin, groups.get(0), out, err);
        }
        Map<String, List<Sample>> windows = new LinkedHashMap<>(); // --check: every sample, to judge them
        Map<String, Map<String, Trend>> trends = new LinkedHashMap<>(); // --watch alone: each partition's trend so far
        int samples = every == 0 ? 1 : args.positiveInt(SAMPLES, check ? CHECK_WINDOW : Integer.MAX_VALUE);
        sample(admin, groups, every, samples, (round, taken) -> {
            for (Sample sample : taken) {
                if (check) {
                    windows.computeIfAbsent(sample.lag().group(), g -> new ArrayList<>()).add(sample);
                } else {
                    LagStatus.add(trends.computeIfAbsent(sample.lag().group(), g -> new LinkedHashMap<>()), sample);
                }
            }
            if (!check) {
                printTrends(trends, round, every, out);
            }
        });
        if (windows.isEmpty() && trends.isEmpty() && !args.flag(ALL_GROUPS)) {
            return noSuchGroup(groups.get(0), err);
        }
        if (!check) {
            return DemoRunner.OK;
        }
        List<Verdict> verdicts = windows.values().stream().map(LagStatus::judge).toList();
        TextTable table = new TextTable("GROUP", "STATUS", "WHY");
        verdicts.forEach(v -> table.row(v.group(), v.status().label(), v.detail()));
        out.print(table.render());
        return verdicts.stream().allMatch(v -> v.status() == Status.OK) ? DemoRunner.OK : NOT_OK;
    }

    private static int describeOne(Admin admin, String group, PrintStream out, PrintStream err) throws Exception {
        GroupLag lag = describe(admin, group);
        if (lag == null) {
            return noSuchGroup(group, err);
        }
        print(lag, out, err);
        if (lag.rows().isEmpty()) {
            err.println("No committed offsets to show: the group has none, or none this user may see (Kafka leaves out,"
                    + " without an error, the offsets of topics the user has no DESCRIBE on).");
        }
        return DemoRunner.OK;
    }

    /** --all-groups: each group's table in turn, a blank line after each, as the command prints them. */
    private static int describeEach(Admin admin, List<String> groups, PrintStream out, PrintStream err) throws Exception {
        for (String group : groups) {
            GroupLag lag = describe(admin, group);
            if (lag != null && !lag.rows().isEmpty()) { // like the command: a group without rows gets no table
                print(lag, out, err);
                out.println();
            }
        }
        return DemoRunner.OK;
    }

    /**
     * Every consumer group this user may describe (Admin listGroups, consumer groups of either
     * protocol, as the command lists them), by group id: the command's order.
     */
    static List<String> allGroups(Admin admin) throws InterruptedException, ExecutionException {
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream().map(GroupListing::groupId)
                .sorted().toList();
    }

    /** The command's words for a group that is not there; exit 1. */
    private static int noSuchGroup(String group, PrintStream err) {
        err.println("Error: Consumer group '" + group + "' does not exist.");
        return DemoRunner.FAILED;
    }

    /**
     * Describes the groups {@code samples} times, {@code every} seconds apart, and hands each
     * round's samples (of the groups that exist) to {@code round}, numbered from 1.
     */
    private static void sample(Admin admin, List<String> groups, int every, int samples, BiConsumer<Integer, List<Sample>> round)
            throws Exception {
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                Thread.sleep(every * 1000L); // the sampling interval: rates are measured over the passing time
            }
            long at = System.currentTimeMillis();
            List<Sample> taken = new ArrayList<>();
            for (String group : groups) {
                GroupLag lag = describe(admin, group);
                if (lag != null) {
                    taken.add(new Sample(at, lag));
                }
            }
            round.accept(i + 1, taken);
        }
    }

    /** One refresh of --watch: each partition's lag now, and its rates since the first sample. */
    private static void printTrends(Map<String, Map<String, Trend>> trends, int sample, int every, PrintStream out) {
        out.println("sample " + sample + " at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " (every " + every
                + " s; rates since the first sample; Ctrl-C stops)");
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMED/S", "PRODUCED/S", "CATCH-UP");
        trends.forEach((group, partitions) -> partitions.values().forEach(t -> table.row(group, t.last().topic(),
                t.last().partition(), t.last().currentOffset(), t.last().logEndOffset(), t.last().lag(),
                rate(t, t.consumedPerSecond()), rate(t, t.producedPerSecond()), t.catchUp())));
        out.print(table.render());
        out.println();
    }

    private static String rate(Trend trend, double perSecond) {
        return trend.lastAtMillis() == trend.firstAtMillis() ? "-" : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /**
     * Describes {@code group}; null when the cluster has no such group. Needs DESCRIBE on the
     * group and on its topics ({@link MissingAclException} names the one missing).
     */
    public static GroupLag describe(Admin admin, String group) throws InterruptedException, ExecutionException {
        ConsumerGroupDescription description;
        try {
            description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingAclException(AclOperation.DESCRIBE, ResourceType.GROUP, group,
                        "describe the group and read its committed offsets");
            }
            throw e;
        }
        if (description.groupState() == GroupState.DEAD) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin, group);
        List<Row> rows = rows(admin, description, committed);
        // The retention only matters to an empty group's warning: no config request for the others.
        boolean empty = description.groupState() == GroupState.EMPTY;
        Long retention = empty ? retentionMinutes(admin) : null;
        return new GroupLag(group, description.groupState(), description.type(), rows, retention, empty && isSimple(admin, group));
    }

    /** A simple group has no protocol type; only ListGroups says so (GroupListing.isSimpleConsumerGroup). */
    private static boolean isSimple(Admin admin, String group) throws InterruptedException, ExecutionException {
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .anyMatch(listing -> listing.groupId().equals(group) && listing.isSimpleConsumerGroup());
    }

    private static List<Row> rows(Admin admin, ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed)
            throws InterruptedException, ExecutionException {
        Set<TopicPartition> all = new HashSet<>(committed.keySet());
        group.members().forEach(m -> all.addAll(m.assignment().topicPartitions()));
        Map<TopicPartition, Long> highWatermarks = highWatermarks(admin, all);

        List<Row> rows = new ArrayList<>();
        Set<TopicPartition> owned = new HashSet<>();
        List<MemberDescription> members = group.members().stream()
                .filter(m -> !m.assignment().topicPartitions().isEmpty())
                .sorted(Comparator.comparingInt((MemberDescription m) -> m.assignment().topicPartitions().size()).reversed())
                .toList();
        for (MemberDescription member : members) {
            for (TopicPartition tp : sorted(member.assignment().topicPartitions())) {
                owned.add(tp);
                rows.add(row(group.groupId(), tp, committed.get(tp), highWatermarks.get(tp),
                        member.consumerId(), member.host(), member.clientId()));
            }
        }
        for (TopicPartition tp : sorted(committed.keySet())) {
            if (!owned.contains(tp)) {
                rows.add(row(group.groupId(), tp, committed.get(tp), highWatermarks.get(tp), null, null, null));
            }
        }
        return rows;
    }

    private static Row row(String group, TopicPartition tp, OffsetAndMetadata committed, Long highWatermark,
                           String consumerId, String host, String clientId) {
        Long current = committed == null ? null : committed.offset();
        Long lag = current == null || highWatermark == null ? null : highWatermark - current;
        return new Row(group, tp.topic(), tp.partition(), current, highWatermark, lag, consumerId, host, clientId);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        // A partition may be listed without an offset; like the command, treat it as never committed.
        return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** OffsetSpec.latest() read_uncommitted: the high watermark, what the command calls LOG-END-OFFSET. */
    private static Map<TopicPartition, Long> highWatermarks(Admin admin, Set<TopicPartition> partitions)
            throws InterruptedException, ExecutionException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResultInfo> latest;
        try {
            latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest())),
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException t) {
                throw new MissingAclException(AclOperation.DESCRIBE, ResourceType.TOPIC, String.join(", ", t.unauthorizedTopics()),
                        "read the end offsets of the partitions the group consumes");
            }
            throw e;
        }
        return latest.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The cluster's offsets.retention.minutes, or null when this client may not read broker configs (DESCRIBE_CONFIGS). */
    private static Long retentionMinutes(Admin admin) {
        BrokerSettings settings = BrokerSettings.read(admin, "this client");
        return settings.fromCluster() ? settings.value(BrokerSettings.OFFSETS_RETENTION_MINUTES) : null;
    }

    private static List<TopicPartition> sorted(Set<TopicPartition> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .toList();
    }

    /** The command's layout: notices on stderr, the table on stdout, with every column of the real command. */
    public static void print(GroupLag lag, PrintStream out, PrintStream err) {
        printNotices(lag, err);
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID");
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

    private static final int SHORT_ID = 16;

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

package io.offsetlab.practices.tools;

import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.KafkaFailures;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.practices.monitor.LagMonitor;
import io.offsetlab.practices.monitor.LagMonitorCommand;
import io.offsetlab.practices.reset.OffsetResetCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 the tools on a secured cluster, as an ordinary user: the permissions table of this
 * module's README is the list of ACLs. Each tool runs with exactly the table's rows, and
 * refuses, naming the missing one, when any required row is taken away. Runs on a SASL broker
 * with Kafka's StandardAuthorizer ({@code @KafkaLab(secured = true)}).
 */
@KafkaLab(secured = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolAclsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String LAG_MONITOR = "lag-monitor";
    private static final String RESET_OFFSETS = "reset-offsets";
    private static final String TIME_LAG = "lag-monitor --time-lag";

    /** One row of the README's table. */
    record AclRow(String tool, boolean optional, AclOperation operation, ResourceType resource, String neededTo) {
    }

    private LabKafka kafka;
    private KafkaBackend user;
    private String principal;
    private String topic;
    /** A classic group with a live member that owns the topic's partition and committed 3. */
    private String liveGroup;
    private KafkaConsumer<String, String> liveMember;
    /** A group whose member committed 3 and left. */
    private String emptyGroup;
    /** Every ACL this class granted and has not revoked yet. */
    private final List<AclBinding> granted = new ArrayList<>();

    @BeforeAll
    void groupsOnATopic(LabKafka kafka) {
        this.kafka = kafka;
        user = kafka.ordinaryUser();
        principal = KafkaFailures.principal(user);
        topic = kafka.createTopic("s5-acl", 1);
        kafka.produce(topic, 0, 5);
        emptyGroup = kafka.newGroupId("s5-acl-empty");
        try (KafkaConsumer<String, String> member = memberOf(emptyGroup)) {
            Polling.pollAtLeast(member, 5, TIMEOUT);
            member.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)));
        }
        liveGroup = kafka.newGroupId("s5-acl-live");
        liveMember = memberOf(liveGroup); // stays in the group: it idles well within max.poll.interval.ms
        Polling.pollAtLeast(liveMember, 5, TIMEOUT);
        liveMember.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)));
    }

    @AfterAll
    void closeTheLiveMember() {
        if (liveMember != null) {
            liveMember.close();
        }
    }

    /**
     * Revokes exactly what this class granted, not every ACL of the user: on a shared cluster (CI's
     * stock leg runs every module against one broker, several at once) another class's grants to
     * the same user must stay. Revoking them all once took chapter 06's ShareGroupAclsIT's READ on
     * its group away in the middle of its test (CI, 2026-12-05).
     */
    @AfterEach
    void revokeWhatThisClassGranted() throws Exception {
        if (!granted.isEmpty()) {
            kafka.admin().deleteAcls(granted.stream().map(AclBinding::toFilter).toList()).all().get();
            granted.clear();
        }
    }

    @Test
    void theReadmeTableNamesTheAclsOfBothTools() throws IOException {
        List<AclRow> rows = readmeRows();
        assertEquals(List.of(LAG_MONITOR, LAG_MONITOR, LAG_MONITOR, TIME_LAG, RESET_OFFSETS, RESET_OFFSETS),
                rows.stream().map(AclRow::tool).toList(), "the README's permissions table, as parsed: " + rows);
    }

    @Test
    void theLagMonitorRunsAsAnOrdinaryUserWithExactlyTheRequiredAclsOfTheReadme() throws Exception {
        grant(required(LAG_MONITOR), liveGroup);
        List<List<String>> asAdmin = LagMonitor.describe(kafka.admin(), liveGroup).rows().stream().map(LagMonitor.Row::cells).toList();
        assertEquals(List.of(List.of(liveGroup, topic, "0", "3", "5", "2")), asAdmin.stream().map(cells -> cells.subList(0, 6)).toList(),
                "as the super user: one row, committed 3 of 5, lag 2");

        await("the lag monitor works as " + principal).atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = lagMonitor(liveGroup);
            assertEquals(0, run.exit(), run.err());
            assertEquals(asAdmin, KafkaConsumerGroupsCommand.tableRows(run.out(), liveGroup),
                    "the ordinary user sees the rows the super user sees:\n" + run.out());
        });
    }

    /**
     * §5 lag in time: the lag monitor's required ACLs (DESCRIBE) are not enough to read a record's
     * timestamp; TIME-LAG says so, and READ on the topic (the table's optional row) gives the age.
     */
    @Test
    void withoutReadOnTheTopicTimeLagSaysSoAndTheTablesReadRowGivesTheAge() throws Exception {
        grant(required(LAG_MONITOR), liveGroup);
        await("--time-lag with DESCRIBE only").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = Invocation.of(LagMonitorCommand::run, userCommandLine("--group", liveGroup, "--time-lag"));
            assertEquals(0, run.exit(), run.err());
            List<List<String>> rows = KafkaConsumerGroupsCommand.tableRows(run.out(), liveGroup);
            assertEquals(List.of("no", "READ"), rows.get(0).subList(rows.get(0).size() - 2, rows.get(0).size()),
                    "TIME-LAG says it cannot read the topic:\n" + run.out());
            assertTrue(run.err().contains("TIME-LAG: no READ on topic " + topic), run.err());
        });
        grant(List.of(row(TIME_LAG, ResourceType.TOPIC)), liveGroup);
        await("--time-lag with READ on the topic").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = Invocation.of(LagMonitorCommand::run, userCommandLine("--group", liveGroup, "--time-lag"));
            assertEquals(0, run.exit(), run.err());
            List<String> row = KafkaConsumerGroupsCommand.tableRows(run.out(), liveGroup).get(0);
            assertTrue(row.get(row.size() - 1).matches("\\d+\\.\\ds"), "the age of record 3, in seconds:\n" + run.out());
            assertFalse(run.err().contains("no READ"), run.err());
        });
    }

    /**
     * §5 lag in time with DESCRIBE only, on a topic a producer writes one record per 100 ms to:
     * the age cannot be read, so {@code --check --max-lag-seconds} judges the estimate from the
     * window's sampled end offsets and says so, and {@code --watch --time-lag} shows the estimate
     * where TIME-LAG says {@code no READ}.
     */
    @Test
    void withDescribeOnlyCheckAndWatchEstimateTheTimeLagFromSampledEndOffsetsAndSaySo() throws Exception {
        String written = kafka.createTopic("s5-acl-est", 1);
        kafka.produce(written, 0, 5);
        String group = kafka.newGroupId("s5-acl-est");
        kafka.admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(written, 0), new OffsetAndMetadata(2))).all().get();
        grant(required(LAG_MONITOR), group, written);
        ScheduledExecutorService producing = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            // New records between the samples: the table of (end offset, time) gets a slope to read an age off.
            producing.scheduleAtFixedRate(() -> producer.send(new ProducerRecord<>(written, 0, "k", "v")), 0, 100, TimeUnit.MILLISECONDS);
            await("--check and --watch with DESCRIBE only").atMost(TIMEOUT.multipliedBy(2)).untilAsserted(() -> {
                Invocation check = Invocation.of(LagMonitorCommand::run,
                        userCommandLine("--group", group, "--check", "--max-lag-seconds", "1", "--watch", "1", "--samples", "3"));
                System.out.println("§5 lag-monitor --check --max-lag-seconds 1 --watch 1 --samples 3, DESCRIBE only: exit " + check.exit()
                        + "\n" + check.out());
                assertEquals(LagMonitorCommand.NOT_OK, check.exit(), "the group has no members and lag: STOP\n" + check.out() + check.err());
                assertTrue(check.out().matches("(?s).*" + group + " +STOP .*"), "the group has no members and lag: STOP\n" + check.out());
                assertTrue(check.out().matches("(?s).*oldest unconsumed record \\d+\\.\\ds old \\(" + written
                        + "-0, estimated: no READ\\).*"), "the age judged is the estimate, and the line says so:\n" + check.out());

                Invocation watch = Invocation.of(LagMonitorCommand::run,
                        userCommandLine("--group", group, "--watch", "1", "--samples", "3", "--time-lag"));
                System.out.println("§5 lag-monitor --watch 1 --samples 3 --time-lag, DESCRIBE only: exit " + watch.exit() + "\n" + watch.out());
                assertEquals(0, watch.exit(), watch.err());
                List<List<String>> rows = KafkaConsumerGroupsCommand.tableRows(watch.out(), group);
                List<String> last = rows.get(rows.size() - 1);
                assertEquals(List.of("no", "READ"), last.subList(last.size() - 4, last.size() - 2),
                        "TIME-LAG cannot be read:\n" + watch.out());
                assertTrue(last.get(last.size() - 2).matches("~\\d+\\.\\ds"), "ESTIMATE, extrapolated from 3 samples"
                        + " (committed 2 is below the first sampled end):\n" + watch.out());
                assertEquals("-", last.get(last.size() - 1), "ERROR needs the exact age:\n" + watch.out());
                assertTrue(watch.err().contains("TIME-LAG: no READ on topic " + written) && watch.err().contains(
                        "--watch estimates it from sampled end offsets (ESTIMATE), which needs DESCRIBE only"), watch.err());
            });
        } finally {
            producing.shutdownNow();
            producing.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * §5 lag in time with DESCRIBE only and one sample: no age to read and no samples to estimate
     * one from, so {@code --check --max-lag-seconds} cannot check the limit and says WARN (exit 3)
     * for a live group that one sample would call OK.
     */
    @Test
    void withDescribeOnlyOneCheckWithMaxLagSecondsWarnsThatTheAgeIsUnknown() throws Exception {
        grant(required(LAG_MONITOR), liveGroup);
        await("--check --max-lag-seconds with DESCRIBE only").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation check = Invocation.of(LagMonitorCommand::run, userCommandLine("--group", liveGroup, "--check", "--max-lag-seconds", "1"));
            System.out.println("§5 lag-monitor --check --max-lag-seconds 1, DESCRIBE only: exit " + check.exit() + "\n" + check.out());
            assertEquals(LagMonitorCommand.NOT_OK, check.exit(), check.out() + check.err());
            assertTrue(check.out().matches("(?s).*" + liveGroup + " +WARN +lag 2; one sample shows no trend .*; time lag unknown for "
                    + topic + "-0 \\(no READ without samples to estimate from: --watch SECONDS.*"),
                    "WARN, not OK: the limit could not be checked, and the line says why:\n" + check.out());
        });
    }

    @Test
    void theLagMonitorNamesEachRequiredAclThatIsMissing() throws Exception {
        for (AclRow missing : required(LAG_MONITOR)) {
            revokeWhatThisClassGranted();
            grant(allBut(required(LAG_MONITOR), missing), liveGroup);
            String expected = principal + " lacks " + missing.operation() + " on " + name(missing, liveGroup);
            await("the lag monitor without " + missing).atMost(TIMEOUT).untilAsserted(() -> {
                Invocation run = lagMonitor(liveGroup);
                assertEquals(1, run.exit(), "without " + missing + " the lag monitor fails:\n" + run.out() + run.err());
                assertTrue(run.err().contains(expected), "and says what is missing: expected '" + expected + "' in:\n" + run.err());
            });
        }
    }

    @Test
    void withoutDescribeOnTheTopicAnEmptyGroupsOffsetsAreLeftOutSilentlyAndTheMonitorSaysWhyItMayBeEmpty() throws Exception {
        grant(allBut(required(LAG_MONITOR), row(LAG_MONITOR, ResourceType.TOPIC)), emptyGroup);
        await("no rows without DESCRIBE on the topic").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = lagMonitor(emptyGroup);
            assertEquals(0, run.exit(), "Kafka raises no error: " + run.err());
            assertEquals(List.of(), KafkaConsumerGroupsCommand.tableRows(run.out(), emptyGroup),
                    "the committed offset of " + topic + " is left out:\n" + run.out());
            assertTrue(run.err().contains("Kafka leaves out, without an error, the offsets of topics the user has no DESCRIBE on"),
                    run.err());
        });
    }

    @Test
    void theOptionalDescribeConfigsOnlyDecidesWhichRetentionTheEmptyGroupWarningNames() throws Exception {
        grant(required(LAG_MONITOR), emptyGroup);
        await("without DESCRIBE_CONFIGS: Kafka's default").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = lagMonitor(emptyGroup);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.err().contains("offsets.retention.minutes (default 10080 = 7 days)"), run.err());
        });
        grant(List.of(row(LAG_MONITOR, ResourceType.CLUSTER)), emptyGroup);
        long retention = kafka.settings().value(BrokerSettings.OFFSETS_RETENTION_MINUTES);
        await("with DESCRIBE_CONFIGS: the cluster's value").atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = lagMonitor(emptyGroup);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.err().contains("offsets.retention.minutes=" + retention + " on this cluster"), run.err());
        });
    }

    @Test
    void resetOffsetsRunsAsAnOrdinaryUserWithExactlyTheAclsOfTheReadme() throws Exception {
        String group = groupThatCommitted(3);
        grant(required(RESET_OFFSETS), group);
        await("reset-offsets --execute works as " + principal).atMost(TIMEOUT).untilAsserted(() -> {
            Invocation run = resetToEarliest(group);
            assertEquals(0, run.exit(), run.err());
        });
        assertEquals(0L, OffsetProbe.committed(kafka.admin(), group, new TopicPartition(topic, 0)),
                "the ordinary user moved the group's offset from 3 to the log start");
    }

    @Test
    void resetOffsetsRefusesBeforeItPrintsAPlanItCouldNotApply() throws Exception {
        String group = groupThatCommitted(3);
        for (AclRow missing : required(RESET_OFFSETS)) {
            revokeWhatThisClassGranted();
            grant(allBut(required(RESET_OFFSETS), missing), group);
            // Only DESCRIBE where READ is missing: enough to see the group and topic, not to commit.
            grant(List.of(new AclRow(RESET_OFFSETS, false, AclOperation.DESCRIBE, missing.resource(), "see it")), group);
            String expected = principal + " lacks READ on " + name(missing, group);
            await("reset-offsets without " + missing).atMost(TIMEOUT).untilAsserted(() -> {
                Invocation run = resetToEarliest(group);
                assertEquals(1, run.exit(), "without " + missing + " reset-offsets fails:\n" + run.out() + run.err());
                assertTrue(run.err().contains(expected), "expected '" + expected + "' in:\n" + run.err());
                assertFalse(run.out().contains("NEW-OFFSET"), "and prints no plan it could not apply:\n" + run.out());
            });
        }
        assertEquals(3L, OffsetProbe.committed(kafka.admin(), group, new TopicPartition(topic, 0)), "nothing changed");
    }

    @Test
    void readOnTheGroupWithOnlyDescribeOnTheTopicIsNotEnoughToCommitOffsets() throws Exception {
        String group = groupThatCommitted(3);
        grant(List.of(row(RESET_OFFSETS, ResourceType.GROUP),
                new AclRow(RESET_OFFSETS, false, AclOperation.DESCRIBE, ResourceType.TOPIC, "see it")), group);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin asUser = Admin.create(ClientConfigs.admin(user))) {
            await("the ACLs are in force").atMost(TIMEOUT).untilAsserted(() -> {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> asUser.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(0))).all().get());
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(),
                        "READ on the group and DESCRIBE on the topic: Kafka refuses the commit for the topic");
            });
        }
    }

    // ---- the README's table

    /** The rows between the acl-table markers of this module's README. */
    static List<AclRow> readmeRows() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- acl-table");
        int end = readme.indexOf("<!-- /acl-table -->");
        assertTrue(start >= 0 && end > start, "README.md has an acl-table section");
        List<AclRow> rows = new ArrayList<>();
        for (String line : readme.substring(start, end).lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length < 5 || !cells[2].trim().matches("[A-Z_]+")) {
                continue; // the marker, the header, the separator
            }
            String tool = cells[1].trim();
            rows.add(new AclRow(tool.replace(" (optional)", ""), tool.endsWith("(optional)"),
                    AclOperation.valueOf(cells[2].trim()), ResourceType.valueOf(cells[3].trim().toUpperCase(Locale.ROOT)),
                    cells[4].trim()));
        }
        return rows;
    }

    private static List<AclRow> required(String tool) throws IOException {
        return readmeRows().stream().filter(r -> r.tool().equals(tool) && !r.optional()).toList();
    }

    private static AclRow row(String tool, ResourceType resource) throws IOException {
        return readmeRows().stream().filter(r -> r.tool().equals(tool) && r.resource() == resource).findFirst().orElseThrow();
    }

    private static List<AclRow> allBut(List<AclRow> rows, AclRow missing) {
        return rows.stream().filter(r -> !r.equals(missing)).toList();
    }

    // ---- granting, and running the tools as the ordinary user

    private void grant(List<AclRow> rows, String group) throws Exception {
        grant(rows, group, topic);
    }

    /** The same, with the topic rows on {@code onTopic}. */
    private void grant(List<AclRow> rows, String group, String onTopic) throws Exception {
        List<AclBinding> bindings = rows.stream().map(r -> new AclBinding(
                new ResourcePattern(r.resource(), r.resource() == ResourceType.TOPIC ? onTopic : resourceName(r, group), PatternType.LITERAL),
                new AccessControlEntry(principal, "*", r.operation(), AclPermissionType.ALLOW))).toList();
        granted.addAll(bindings); // first: a call that fails half-way may have created some of them
        kafka.admin().createAcls(bindings).all().get();
    }

    private String resourceName(AclRow row, String group) {
        return switch (row.resource()) {
            case GROUP -> group;
            case TOPIC -> topic;
            case CLUSTER -> "kafka-cluster"; // the one cluster resource's name
            default -> throw new IllegalArgumentException("the table names a resource the tools do not use: " + row);
        };
    }

    /** As the tools name it: "group g", "topic t". */
    private String name(AclRow row, String group) {
        return row.resource().name().toLowerCase(Locale.ROOT) + " " + resourceName(row, group);
    }

    private Invocation lagMonitor(String group) {
        return Invocation.of(LagMonitorCommand::run, userCommandLine("--group", group));
    }

    private Invocation resetToEarliest(String group) {
        return Invocation.of(OffsetResetCommand::run, userCommandLine("--group", group, "--topic", topic, "--to-earliest", "--execute"));
    }

    private String[] userCommandLine(String... args) {
        List<String> all = new ArrayList<>(user.commandLine());
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private KafkaConsumer<String, String> memberOf(String group) {
        KafkaConsumer<String, String> member = kafka.consumer(group, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        member.subscribe(List.of(topic));
        return member;
    }

    /** A new empty group that committed {@code offset} on the topic (no member: reset-offsets may change it). */
    private String groupThatCommitted(long offset) throws Exception {
        String group = kafka.newGroupId("s5-acl-reset");
        kafka.admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset))).all().get();
        return group;
    }
}

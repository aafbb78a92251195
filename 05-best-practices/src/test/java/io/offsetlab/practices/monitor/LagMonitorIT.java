package io.offsetlab.practices.monitor;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import io.offsetlab.practices.tools.Invocation;
import io.offsetlab.practices.tools.KafkaConsumerGroupsCommand;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 "monitor offsets with kafka-consumer-groups.sh --describe": {@link LagMonitor} against
 * Kafka's own command, on four groups of one broker:
 * <ul>
 *   <li>active: a live classic member that read partitions 0 and 1 of a topic to their ends
 *       (positions 10 and 6) but committed only offset 8 of partition 0; then 5 more records
 *       arrived there (lag 15 - 8 = 7; partition 1 never committed);</li>
 *   <li>modern: the same with group.protocol=consumer (KIP-848);</li>
 *   <li>empty: committed everything and closed (no members: offsets on the retention clock);</li>
 *   <li>txn: committed offset 0 on a topic with an open transaction of 3 records;</li>
 *   <li>caughtUp: a live classic member that committed both partitions at their ends (15, 6).</li>
 * </ul>
 * {@code --check}'s statuses that need a trend (WARN, and OK while catching up) get a group of
 * their own, with a consumer that processes 200 records/s at most.
 */
@KafkaLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LagMonitorIT {

    private String topic;
    private String txnTopic;
    private final String active = LabKafka.uniqueName("s5-active");
    private final String modern = LabKafka.uniqueName("s5-modern");
    private final String empty = LabKafka.uniqueName("s5-empty");
    private final String txn = LabKafka.uniqueName("s5-txn");
    private final String caughtUp = LabKafka.uniqueName("s5-caught-up");
    private KafkaConsumer<String, String> activeMember;
    private KafkaConsumer<String, String> modernMember;
    private KafkaConsumer<String, String> caughtUpMember;
    private KafkaProducer<String, String> openTransaction;

    @BeforeAll
    void groups(LabKafka kafka) throws Exception {
        topic = kafka.createTopic("s5-lag", 2);
        kafka.produce(topic, 0, 10);
        kafka.produce(topic, 1, 6);
        activeMember = readAllCommitPartition0(kafka, active, "classic");
        modernMember = readAllCommitPartition0(kafka, modern, "consumer");
        kafka.produce(topic, 0, 5);
        caughtUpMember = readAllAndCommit(kafka, caughtUp);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(empty, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> { consumer.poll(Duration.ofMillis(100)); return consumer.assignment().size() == 2
                    && consumer.position(new TopicPartition(topic, 0)) == 15 && consumer.position(new TopicPartition(topic, 1)) == 6; });
            consumer.commitSync();
        } // close(): the group has no members left
        txnTopic = openTransactionOf3Records(kafka);
        kafka.admin().alterConsumerGroupOffsets(txn, Map.of(new TopicPartition(txnTopic, 0), new OffsetAndMetadata(0))).all().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> describe(kafka, active).state() == GroupState.STABLE
                && owned(describe(kafka, active)) == 2 && owned(describe(kafka, modern)) == 2
                && describe(kafka, modern).state() == GroupState.STABLE && describe(kafka, caughtUp).state() == GroupState.STABLE);
    }

    /** A live classic member that read both partitions to their ends (15, 6) and committed them. */
    private KafkaConsumer<String, String> readAllAndCommit(LabKafka kafka, String group) {
        KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return consumer.assignment().size() == 2 && consumer.position(new TopicPartition(topic, 0)) == 15
                    && consumer.position(new TopicPartition(topic, 1)) == 6;
        });
        consumer.commitSync();
        return consumer;
    }

    /** A member that polled partitions 0 and 1 to their ends (10, 6) and committed only offset 8 of partition 0. */
    private KafkaConsumer<String, String> readAllCommitPartition0(LabKafka kafka, String group, String protocol) {
        KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        consumer.subscribe(List.of(topic));
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return consumer.assignment().size() == 2 && consumer.position(p0) == 10 && consumer.position(p1) == 6;
        });
        consumer.commitSync(Map.of(p0, new OffsetAndMetadata(8))); // behind its position (10) on purpose
        return consumer; // stays in the group: its heartbeat thread keeps it a member
    }

    private String openTransactionOf3Records(LabKafka kafka) {
        String name = kafka.createTopic("s5-txn", 1);
        Map<String, Object> config = kafka.producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name);
        openTransaction = new KafkaProducer<>(config);
        openTransaction.initTransactions();
        openTransaction.beginTransaction();
        for (int i = 0; i < 3; i++) {
            openTransaction.send(new ProducerRecord<>(name, 0, "k" + i, "v" + i));
        }
        openTransaction.flush(); // written, not committed: the high watermark moves, the LSO does not
        return name;
    }

    @AfterAll
    void closeClients() {
        Stream.of(activeMember, modernMember, caughtUpMember).forEach(KafkaConsumer::close);
        openTransaction.close(Duration.ZERO);
    }

    @Test
    @Claim("5.monitor")
    void describeAgreesRowForRowWithKafkaConsumerGroupsCommand(LabKafka kafka) throws Exception {
        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.run(kafka.commandLine(
                "--describe", "--group", active, "--group", modern, "--group", empty, "--group", txn));

        System.out.println("kafka-consumer-groups --describe:\n" + command.text());
        assertEquals(0, command.exitCode(), "kafka-consumer-groups --describe must succeed:\n" + command.text());
        // One row per partition a member owns or the group committed: the live members own both
        // partitions of the topic, the empty group committed both, the txn group one.
        Map<String, Integer> expectedRows = Map.of(active, 2, modern, 2, empty, 2, txn, 1);
        for (String group : List.of(active, modern, empty, txn)) {
            List<List<String>> ours = describe(kafka, group).rows().stream().map(Row::cells).toList();
            assertEquals(expectedRows.get(group), ours.size(), "rows of " + group + ": one per partition owned or committed: " + ours);
            assertEquals(command.rows(group), ours,
                    "LagMonitor's rows of group " + group + " must equal kafka-consumer-groups --describe's, in order;"
                            + " its output was:\n" + command.text());
        }
        assertTrue(command.text().contains("Consumer group '" + empty + "' has no active members."),
                "the command says the empty group has no members:\n" + command.text());
        // What the article's command itself shows (CURRENT-OFFSET, LOG-END-OFFSET, LAG):
        assertEquals(List.of("8", "15", "7"), command.rows(active).get(0).subList(3, 6), "kafka-consumer-groups: CURRENT-OFFSET "
                + "is the commit (8), not the live member's position (10); LOG-END-OFFSET 15; LAG 15 - 8:\n" + command.text());
        assertEquals(List.of("3", "3"), command.rows(txn).get(0).subList(4, 6), "kafka-consumer-groups: LOG-END-OFFSET is the "
                + "high watermark (3), counting an open transaction's records above the last stable offset (0):\n" + command.text());
    }

    @Test
    @Claim("5.monitor")
    void currentOffsetIsTheCommittedOffsetNotThePosition(LabKafka kafka) throws Exception {
        List<Row> rows = describe(kafka, active).rows();

        Row p0 = rows.get(0);
        Row p1 = rows.get(1);
        assertAll(
                () -> assertEquals(10L, activeMember.position(new TopicPartition(topic, 0)), "the live member's position"),
                () -> assertEquals(8L, p0.currentOffset(), "CURRENT-OFFSET is the commit (8), not the live member's position (10)"),
                () -> assertEquals(15L, p0.logEndOffset(), "LOG-END-OFFSET: 15 records in partition 0"),
                () -> assertEquals(7L, p0.lag(), "LAG = 15 - 8: measured from the commit, so it counts 2 records the member has already read"),
                () -> assertNull(p1.currentOffset(), "partition 1 was read to its end (position 6) but never committed: '-'"),
                () -> assertNull(p1.lag(), "no committed offset, no lag: '-' (not 6)"),
                () -> assertEquals(activeMember.groupMetadata().memberId(), p1.consumerId(), "the live member owns partition 1"));
        Claims.figure(Figure.log("partition 0 of a live group, as --describe shows it")
                .mark("CURRENT-OFFSET (the commit)", p0.currentOffset())
                .mark("the member's position", activeMember.position(new TopicPartition(topic, 0)))
                .mark("LOG-END-OFFSET", p0.logEndOffset()).note("LAG " + p0.lag()));
    }

    @Test
    @Claim("5.monitor")
    void logEndOffsetIsTheHighWatermarkNotTheLastStableOffset(LabKafka kafka) throws Exception {
        TopicPartition tp = new TopicPartition(txnTopic, 0);
        long lso = kafka.admin().listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp).get().offset();

        Row row = describe(kafka, txn).rows().get(0);
        assertAll(
                () -> assertEquals(0L, lso, "the open transaction's 3 records are above the last stable offset"),
                () -> assertEquals(3L, row.logEndOffset(), "LOG-END-OFFSET is the high watermark: it counts the 3 uncommitted records"),
                () -> assertEquals(3L, row.lag(), "so a read_committed group shows lag 3 for records it cannot read yet"));
        Claims.figure(Figure.log("an open transaction of 3 records, as --describe shows it").mark("last stable offset", lso)
                .mark("LOG-END-OFFSET (high watermark)", row.logEndOffset()).note("LAG " + row.lag()));
    }

    @Test
    void anEmptyGroupIsFlaggedBecauseItsOffsetsAreOnTheRetentionClock(LabKafka kafka) throws Exception {
        GroupLag lag = describe(kafka, empty);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        LagMonitorCommand.print(lag, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String warnings = err.toString(StandardCharsets.UTF_8);
        assertAll(
                () -> assertTrue(lag.offsetsOnTheClock(), "a group with no members is Empty: its offsets can expire"),
                () -> assertTrue(warnings.contains("Consumer group '" + empty + "' has no active members."), "the command's own line, on stderr: " + warnings),
                () -> assertTrue(warnings.contains("offsets.retention.minutes=10080 on this cluster"),
                        "the warning names the broker's retention (the lab broker keeps the 7-day default): " + warnings),
                () -> assertTrue(out.toString(StandardCharsets.UTF_8).contains(empty + "  " + topic), "the table still goes to stdout"),
                () -> assertTrue(!describe(kafka, active).offsetsOnTheClock(), "a Stable group's offsets are not expiring"));
    }

    /**
     * A simple group (a consumer that assign()s and commits, never joining) has no protocol type,
     * and its offsets' clock is each partition's last commit (ClassicGroup.offsetExpirationCondition
     * in Kafka 4.4), not "when it became empty": the warning says so.
     */
    @Test
    void aSimpleGroupsWarningCountsFromEachCommitNotFromWhenItEmptied(LabKafka kafka) throws Exception {
        String simple = kafka.newGroupId("s5-simple");
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(simple, Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.assign(List.of(tp));
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(1)));
        }

        GroupLag lag = describe(kafka, simple);
        GroupLag emptied = describe(kafka, empty);
        assertAll(
                () -> assertTrue(lag.simple(), "ListGroups reports no protocol type for a group that never had a member"),
                () -> assertTrue(LagMonitorCommand.expiryWarning(lag).contains("counted from each partition's last commit (a simple group"),
                        LagMonitorCommand.expiryWarning(lag)),
                () -> assertFalse(emptied.simple(), "a classic group whose members left is not simple"),
                () -> assertTrue(LagMonitorCommand.expiryWarning(emptied).contains("counted from when the group became empty"),
                        LagMonitorCommand.expiryWarning(emptied)));
    }

    @Test
    void badInvocationsExitWithAMessageNotAStackTrace(LabKafka kafka) {
        Invocation noGroup = Invocation.of(LagMonitorCommand::run, kafka.commandLine());
        Invocation both = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", active, "--all-groups"));
        Invocation samplesAlone = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", active, "--samples", "3"));
        Invocation watchZero = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", active, "--watch", "0"));
        Invocation unknownGroup = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", LabKafka.uniqueName("nobody")));
        Invocation noBroker = Invocation.of(LagMonitorCommand::run, "--group", active);

        assertAll(
                () -> assertEquals(Runner.USAGE, noGroup.exit(), "--group or --all-groups is required: usage, exit 2"),
                () -> assertTrue(noGroup.err().contains("give --group GROUP or --all-groups"), noGroup.err()),
                () -> assertEquals(Runner.USAGE, both.exit(), "--group and --all-groups together: usage, exit 2: " + both.err()),
                () -> assertTrue(samplesAlone.err().contains("--samples counts the samples of --watch"), samplesAlone.err()),
                () -> assertEquals(Runner.USAGE, samplesAlone.exit(), "--samples without --watch: usage, exit 2"),
                () -> assertTrue(watchZero.err().contains("--watch must be a whole number above 0"), watchZero.err()),
                () -> assertEquals(Runner.USAGE, watchZero.exit(), "--watch 0: usage, exit 2"),
                () -> assertEquals(Runner.FAILED, unknownGroup.exit(), "a group that does not exist: exit 1"),
                () -> assertTrue(unknownGroup.err().contains("does not exist"), unknownGroup.err()),
                () -> assertEquals(Runner.USAGE, noBroker.exit(), "no --bootstrap-server: usage, exit 2"),
                () -> assertTrue(noBroker.err().contains("--bootstrap-server is required"), noBroker.err()));
    }

    @Test
    @Claim("5.monitor")
    void allGroupsAgreesRowForRowWithKafkaConsumerGroupsCommand(LabKafka kafka) {
        List<String> ours = List.of(active, modern, empty, txn, caughtUp);
        KafkaConsumerGroupsCommand.Output command = describeAllGroups(kafka);

        Invocation all = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--all-groups"));

        assertAll(
                () -> assertEquals(0, command.exitCode(), command.text()),
                () -> assertEquals(Runner.OK, all.exit(), all.err()),
                () -> assertEquals(5, rowsOf(all.out(), ours).stream().map(row -> row.get(0)).distinct().count(),
                        "all five groups of this class are listed:\n" + all.out()),
                () -> assertEquals(9, rowsOf(all.out(), ours).size(), "one row per partition owned or committed: 2 each for"
                        + " the active, modern, empty and caught-up groups, 1 for the txn group:\n" + all.out()),
                () -> assertEquals(rowsOf(command.text(), ours), rowsOf(all.out(), ours), "the rows of this class's groups, in the"
                        + " same order (by group id) as kafka-consumer-groups --describe --all-groups:\n" + command.text()));
    }

    /**
     * kafka-consumer-groups --describe --all-groups, run again (at most 5 times) while it fails as a
     * whole because a topic of another test class's group was deleted in the middle of its describe
     * (it then prints UnknownTopicOrPartitionException and no table; seen on CI's shared stock broker).
     */
    private static KafkaConsumerGroupsCommand.Output describeAllGroups(LabKafka kafka) {
        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.run(kafka.commandLine("--describe", "--all-groups"));
        for (int attempt = 2; attempt <= 5 && command.text().contains("UnknownTopicOrPartitionException"); attempt++) {
            command = KafkaConsumerGroupsCommand.run(kafka.commandLine("--describe", "--all-groups"));
        }
        return command;
    }

    /** The table rows, in order, whose group is one of {@code groups}, split into cells. */
    private static List<List<String>> rowsOf(String text, List<String> groups) {
        return text.lines().map(String::trim).map(l -> List.of(l.split("\\s+"))).filter(cells -> groups.contains(cells.get(0)))
                .toList();
    }

    private static Invocation check(LabKafka kafka, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("--group", group, "--check"));
        args.addAll(List.of(more));
        Invocation check = Invocation.of(LagMonitorCommand::run, kafka.commandLine(args.toArray(String[]::new)));
        System.out.println("§5 lag-monitor " + String.join(" ", args) + ": exit " + check.exit() + "\n" + check.out());
        return check;
    }

    /** The status line of {@code group}: GROUP STATUS WHY. */
    private static String statusLine(Invocation check, String group) {
        return check.out().lines().filter(l -> l.startsWith(group + " ")).findFirst().orElse("(no status line:\n" + check.out() + ")");
    }

    @Test
    void checkIsOkWithExit0ForALiveGroupThatIsCaughtUp(LabKafka kafka) {
        Invocation check = check(kafka, caughtUp);

        assertAll(
                () -> assertEquals(Runner.OK, check.exit(), "every group OK: exit 0\n" + check.out() + check.err()),
                () -> assertTrue(statusLine(check, caughtUp).matches(".*\\s+OK\\s+lag 0"), statusLine(check, caughtUp)));
    }

    @Test
    void checkIsStopWithExit3ForAnEmptyGroupWithLag(LabKafka kafka) {
        Invocation check = check(kafka, txn); // no members, committed 0 of 3

        assertAll(
                () -> assertEquals(LagMonitorCommand.NOT_OK, check.exit(), "a group that is not OK: exit 3\n" + check.out() + check.err()),
                () -> assertTrue(statusLine(check, txn).contains(" STOP "), statusLine(check, txn)),
                () -> assertTrue(statusLine(check, txn).contains("no members, lag 3"), statusLine(check, txn)));
    }

    @Test
    void checkIsOffsetsAtRiskForAnEmptyGroupWithoutLag(LabKafka kafka) {
        Invocation check = check(kafka, empty); // committed everything, then closed

        assertAll(
                () -> assertEquals(LagMonitorCommand.NOT_OK, check.exit(), check.out() + check.err()),
                () -> assertTrue(statusLine(check, empty).contains(" OFFSETS AT RISK "), statusLine(check, empty)),
                () -> assertTrue(statusLine(check, empty).contains("(offsets.retention.minutes="
                                + kafka.settings().value(BrokerSettings.OFFSETS_RETENTION_MINUTES) + ", counted from when the group emptied"),
                        "the time left comes from the broker's retention: " + statusLine(check, empty)));
    }

    @Test
    void checkOverAWindowIsStallWhenMembersArePresentAndTheirCommitsDoNotMove(LabKafka kafka) {
        Invocation check = check(kafka, active, "--watch", "1", "--samples", "3"); // live, committed 8 of 15, not moving

        assertAll(
                () -> assertEquals(LagMonitorCommand.NOT_OK, check.exit(), check.out() + check.err()),
                () -> assertTrue(statusLine(check, active).contains(" STALL "), statusLine(check, active)),
                () -> assertTrue(statusLine(check, active).matches(".*commits not moving for \\d+ s, lag 7 \\(" + topic + "-0\\)"),
                        "3 samples a second apart, partition 0's commit stayed at 8: " + statusLine(check, active)));
    }

    @Test
    void aConsumerFallingBehindIsWarnAndWatchSaysFallingBehind(LabKafka kafka) throws Exception {
        String slowTopic = kafka.createTopic("s5-behind", 1);
        String group = kafka.newGroupId("s5-behind");
        try (Background producer = Background.start(running -> produceBurst(kafka, slowTopic, running)); // 2000 records/s
             Background consumer = slowConsumer(kafka, group, slowTopic)) {
            awaitCommitted(kafka, group);

            Invocation watch = watch(kafka, group);
            Invocation check = check(kafka, group, "--watch", "1", "--samples", "4");

            String lastRow = lastRow(watch.out(), group);
            assertAll(
                    () -> assertEquals(Runner.OK, watch.exit(), watch.err()),
                    () -> assertTrue(lastRow.endsWith("falling behind"), "produced faster than consumed: " + watch.out()),
                    () -> assertEquals(LagMonitorCommand.NOT_OK, check.exit(), check.out() + check.err()),
                    () -> assertTrue(statusLine(check, group).contains(" WARN "), "the commits move, the lag grows: "
                            + statusLine(check, group)),
                    () -> assertTrue(producer.failure() == null && consumer.failure() == null, "the load ran: "
                            + producer.failure() + " " + consumer.failure()));
        }
    }

    @Test
    void aConsumerCatchingUpIsOkAndWatchShowsTheTimeToCatchUp(LabKafka kafka) throws Exception {
        String backlogTopic = kafka.createTopic("s5-backlog", 1);
        kafka.produce(backlogTopic, 0, 3000); // 15 s of work at 200 records/s, and nothing new arrives
        String group = kafka.newGroupId("s5-backlog");
        try (Background consumer = slowConsumer(kafka, group, backlogTopic)) {
            awaitCommitted(kafka, group);

            Invocation watch = watch(kafka, group);
            Invocation check = check(kafka, group, "--watch", "1", "--samples", "3");

            String lastRow = lastRow(watch.out(), group);
            assertAll(
                    () -> assertEquals(Runner.OK, watch.exit(), watch.err()),
                    () -> assertTrue(lastRow.matches(".*\\s\\d+ s"), "CATCH-UP: the seconds left at this rate: " + watch.out()),
                    () -> assertEquals(Runner.OK, check.exit(), "lag shrinking: OK\n" + check.out() + check.err()),
                    () -> assertTrue(statusLine(check, group).matches(".*\\s+OK\\s+lag \\d+"), statusLine(check, group)),
                    () -> assertTrue(consumer.failure() == null, "the consumer ran: " + consumer.failure()));
        }
    }

    /** {@code --watch 1 --samples 3}: three refreshes a second apart; prints what it showed. */
    private static Invocation watch(LabKafka kafka, String group) {
        Invocation watch = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--watch", "1", "--samples", "3"));
        System.out.println("§5 lag-monitor --group " + group + " --watch 1 --samples 3: exit " + watch.exit() + "\n" + watch.out());
        return watch;
    }

    private static String lastRow(String watchOutput, String group) {
        List<String> rows = watchOutput.lines().filter(l -> l.startsWith(group + " ")).toList();
        return rows.isEmpty() ? "(no rows)" : rows.get(rows.size() - 1);
    }

    private static void awaitCommitted(LabKafka kafka, String group) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !OffsetProbe.committed(kafka.admin(), group).isEmpty());
    }

    /** Sends 200 records every 100 ms while {@code running}. */
    private static void produceBurst(LabKafka kafka, String topic, BooleanSupplier running) throws InterruptedException {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            while (running.getAsBoolean()) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, "k", "v"));
                }
                Thread.sleep(100); // the producer's pace: the passing time is the behaviour
            }
        }
    }

    /** A member that processes 20 records per 100 ms (200/s at most) and commits after each batch. */
    private static Background slowConsumer(LabKafka kafka, String group, String topic) {
        return Background.start(running -> {
            try (KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
                consumer.subscribe(List.of(topic));
                while (running.getAsBoolean()) {
                    if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                        Thread.sleep(100); // the processing time: the behaviour under test
                        consumer.commitSync();
                    }
                }
            }
        });
    }

    private static GroupLag describe(LabKafka kafka, String group) throws Exception {
        return LagMonitor.describe(kafka.admin(), group);
    }

    private static long owned(GroupLag lag) {
        return lag.rows().stream().filter(r -> r.consumerId() != null).count();
    }
}

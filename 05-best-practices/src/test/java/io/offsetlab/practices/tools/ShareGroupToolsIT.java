package io.offsetlab.practices.tools;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.monitor.LagMonitorCommand;
import io.offsetlab.practices.reset.OffsetResetCommand;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.offsetlab.practices.tools.KafkaConsumerGroupsCommand.tableRows;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * §6 share groups in §5's tools: {@code ./run lag-monitor} and {@code ./run reset-offsets} on
 * a share group, row for row against Kafka's own {@code kafka-share-groups.sh} (kafka-tools'
 * ShareGroupCommand). A share group has no committed offset: its table shows each share
 * partition's start offset and the records not yet acknowledged, and a reset moves the start offset.
 */
@KafkaLab
class ShareGroupToolsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RECORDS = 10;
    /** A time as both tools take it: kafka-share-groups.sh's --to-datetime format, in UTC. */
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    /**
     * §6 monitoring: record 0 released and records 1-9 accepted leave START-OFFSET at 0 and LAG
     * at 1. Records above the start offset can be done already, so the start offset is not
     * "consumed up to", and LAG is not the log end minus the start offset (that would say 10).
     * With --time-lag, TIME-LAG is the age of the record at START-OFFSET.
     */
    @Test
    @Claim("6.tools")
    void lagMonitorDescribesAShareGroupRowForRowAsKafkaShareGroupsDoes(LabKafka kafka) throws Exception {
        assumeShareGroups(kafka);
        String topic = kafka.createTopic("s6-monitor", 1);
        List<RecordMetadata> written = kafka.produce(topic, 0, RECORDS);
        long firstTimestamp = written.get(0).timestamp(); // CreateTime, the topic's default
        long logEnd = written.get(RECORDS - 1).offset() + 1;
        String group = earliestShareGroup(kafka, "s6-monitor");
        readAll(kafka, group, topic, record -> record.offset() == 0 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
        awaitStartOffsetAndLag(kafka, group, topic, 0, 1);

        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.runShareGroups(
                kafka.commandLine("--describe", "--group", group));
        Invocation ours = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group));
        Invocation all = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--all-groups"));
        Invocation check = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--check"));
        long before = System.currentTimeMillis();
        Invocation timeLag = Invocation.of(LagMonitorCommand::run, kafka.commandLine("--group", group, "--time-lag"));
        long after = System.currentTimeMillis();
        List<String> timeLagRow = tableRows(timeLag.out(), group).get(0);
        double ageSeconds = Double.parseDouble(timeLagRow.get(5).replace("s", ""));

        System.out.println("kafka-share-groups --describe:\n" + command.text() + "\n./run lag-monitor:\n" + ours.out() + ours.err());
        assertAll(
                () -> assertEquals(0, command.exitCode(), "kafka-share-groups --describe must succeed:\n" + command.text()),
                () -> assertEquals(List.of(List.of(group, topic, "0", "0", "1")), command.rows(group), "kafka-share-groups:"
                        + " START-OFFSET 0 (record 0 was released: available again, not done), LAG 1 (records 1-9 were"
                        + " accepted though they lie above the start offset):\n" + command.text()),
                () -> assertEquals(Runner.OK, ours.exit(), "lag-monitor describes a share group:\n" + ours.out() + ours.err()),
                () -> assertEquals(command.rows(group), tableRows(ours.out(), group),
                        "lag-monitor's rows must equal kafka-share-groups --describe's:\n" + ours.out()),
                () -> assertTrue(ours.out().contains("START-OFFSET") && !ours.out().contains("CURRENT-OFFSET"),
                        "a share group's table has the share command's columns:\n" + ours.out()),
                () -> assertTrue(ours.err().contains("Share group '" + group + "' has no active members."),
                        "the member closed: the group is empty:\n" + ours.err()),
                () -> assertEquals(command.rows(group), tableRows(all.out(), group),
                        "--all-groups lists the share group too, with the same row:\n" + all.out()),
                () -> assertEquals(Runner.FAILED, check.exit(), "--check judges committed offsets: refused for a share group"),
                () -> assertTrue(check.err().contains("'" + group + "' is a share group"), check.err()),
                () -> assertEquals(command.rows(group).get(0), timeLagRow.subList(0, 5), "--time-lag keeps the command's columns"),
                () -> assertTrue(ageSeconds >= (before - firstTimestamp) / 1000.0 - 0.05
                                && ageSeconds <= (after - firstTimestamp) / 1000.0 + 0.05,
                        "TIME-LAG is the age of record 0, the one at START-OFFSET (written at " + firstTimestamp + ", read between "
                                + before + " and " + after + ", printed to a tenth of a second): " + timeLag.out() + timeLag.err()));
        List<String> theirs = command.rows(group).get(0);
        List<String> mine = tableRows(ours.out(), group).get(0);
        Claims.figure(Figure.bars("record 0 released, 1-9 accepted: the share partition in both tools", "")
                .value("START-OFFSET, kafka-share-groups --describe", Long.parseLong(theirs.get(3)))
                .value("START-OFFSET, ./run lag-monitor", Long.parseLong(mine.get(3)))
                .value("LAG, kafka-share-groups --describe", Long.parseLong(theirs.get(4)))
                .value("LAG, ./run lag-monitor", Long.parseLong(mine.get(4)))
                .marker("log end", logEnd).note("--time-lag: TIME-LAG " + timeLagRow.get(5) + ", the age of record 0"));
    }

    /**
     * §6 reset: an empty share group's start offset moves to the earliest or latest offset as
     * kafka-share-groups --reset-offsets plans it (both dry runs agree row for row), and after
     * the reset to earliest the group reads the accepted records again as new ones: delivery
     * count 1. A group with a member is refused, in the command's words.
     */
    @Test
    @Claim("6.tools")
    void resetOffsetsMovesAnEmptyShareGroupsStartOffsetAsKafkaShareGroupsPlansIt(LabKafka kafka) throws Exception {
        assumeShareGroups(kafka);
        String topic = kafka.createTopic("s6-reset", 1);
        List<RecordMetadata> written = kafka.produce(topic, 0, RECORDS);
        String group = earliestShareGroup(kafka, "s6-reset");
        readAll(kafka, group, topic, record -> AcknowledgeType.ACCEPT);
        awaitStartOffsetAndLag(kafka, group, topic, 0, 0); // all accepted; the stored start offset trails by one write (§6)

        // --to-datetime at record 5's timestamp: the first record at or after it (an earlier one written in the
        // same millisecond counts); an hour ahead: no record that recent, so the end, as both tools fall back.
        long fifth = written.get(5).timestamp();
        long atFifth = written.stream().filter(r -> r.timestamp() >= fifth).mapToLong(RecordMetadata::offset).min().orElseThrow();
        List<Target> targets = List.of(new Target("--to-earliest", List.of("--to-earliest"), "0"),
                new Target("--to-latest", List.of("--to-latest"), String.valueOf(RECORDS)),
                new Target("--to-datetime (record 5's time)", List.of("--to-datetime", DATETIME.format(Instant.ofEpochMilli(fifth))),
                        String.valueOf(atFifth)),
                new Target("--to-datetime (an hour ahead)", List.of("--to-datetime",
                        DATETIME.format(Instant.now().plus(Duration.ofHours(1)))), String.valueOf(RECORDS)));
        Figure plans = Figure.bars(RECORDS + " records, all accepted: NEW-OFFSET each tool plans (--dry-run)", "");
        for (Target t : targets) {
            List<String> target = t.args();
            String expected = t.expected();
            List<String> commandArgs = new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic, "--dry-run"));
            commandArgs.addAll(target);
            KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.runShareGroups(
                    kafka.commandLine(commandArgs.toArray(String[]::new)));
            List<String> ourArgs = new ArrayList<>(List.of("--group", group, "--topic", topic));
            ourArgs.addAll(target);
            Invocation ours = Invocation.of(OffsetResetCommand::run, kafka.commandLine(ourArgs.toArray(String[]::new)));
            assertAll(
                    () -> assertEquals(List.of(List.of(group, topic, "0", expected)), command.rows(group),
                            "kafka-share-groups " + target + " --dry-run: NEW-OFFSET " + expected + ":\n" + command.text()),
                    () -> assertEquals(command.rows(group), tableRows(ours.out(), group),
                            "reset-offsets " + target + " plans what the command plans:\n" + ours.out() + ours.err()),
                    () -> assertTrue(ours.err().contains("Dry run: nothing changed."), ours.err()));
            plans.value(t.name() + ", kafka-share-groups", Long.parseLong(command.rows(group).get(0).get(3)))
                    .value(t.name() + ", ./run reset-offsets", Long.parseLong(tableRows(ours.out(), group).get(0).get(3)));
        }
        Claims.figure(plans.marker("log end", written.get(RECORDS - 1).offset() + 1));
        Invocation toOffset = Invocation.of(OffsetResetCommand::run,
                kafka.commandLine("--group", group, "--topic", topic, "--to-offset", "5"));
        assertAll(
                () -> assertEquals(Runner.FAILED, toOffset.exit(), "kafka-share-groups has no --to-offset: refused"),
                () -> assertTrue(toOffset.err().contains("'" + group + "' is a share group: its start offset can be reset with"
                        + " --to-earliest, --to-latest, --to-datetime or --by-duration"), toOffset.err()));
        Invocation execute = Invocation.of(OffsetResetCommand::run,
                kafka.commandLine("--group", group, "--topic", topic, "--to-earliest", "--execute"));
        assertEquals(Runner.OK, execute.exit(), "the reset applies:\n" + execute.out() + execute.err());

        SharePartitionOffsetInfo after = awaitStartOffsetAndLag(kafka, group, topic, 0, RECORDS);
        try (KafkaShareConsumer<String, String> member = member(kafka, group, topic, "implicit")) {
            List<ConsumerRecord<String, String>> again = pollAtLeast(member, RECORDS);
            Invocation refused = Invocation.of(OffsetResetCommand::run,
                    kafka.commandLine("--group", group, "--topic", topic, "--to-latest"));
            KafkaConsumerGroupsCommand.Output commandRefused = KafkaConsumerGroupsCommand.runShareGroups(kafka.commandLine(
                    "--reset-offsets", "--group", group, "--topic", topic, "--to-latest", "--dry-run"));
            Claims.figure(Figure.log("after --to-earliest --execute: lag " + after.lag().orElse(-1L))
                    .mark("start offset (Admin listShareGroupOffsets)", after.startOffset())
                    .mark("log end", written.get(RECORDS - 1).offset() + 1)
                    .note("delivered again: offsets " + again.get(0).offset() + "-" + again.get(again.size() - 1).offset()
                            + ", delivery count " + again.get(0).deliveryCount().orElse((short) -1)));
            assertAll(
                    () -> assertEquals(0L, after.startOffset(), "the start offset went back to the log start"),
                    () -> assertEquals((long) RECORDS, (long) after.lag().orElse(-1L), "all " + RECORDS + " records count again as not acknowledged"),
                    () -> assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), again.stream().map(ConsumerRecord::offset).toList(),
                            "the group reads the records it had accepted, once each"),
                    () -> assertTrue(again.stream().allMatch(r -> r.deliveryCount().orElse((short) 0) == 1),
                            "a reset forgets the records' states: each is delivered as a first delivery (count 1): "
                                    + again.stream().map(r -> r.offset() + ":" + r.deliveryCount().orElse((short) -1)).toList()),
                    () -> assertEquals(Runner.FAILED, refused.exit(), "a group with a member is refused"),
                    () -> assertTrue(refused.err().contains("Error: Share group '" + group + "' is not empty."), refused.err()),
                    () -> assertTrue(commandRefused.text().contains("Share group '" + group + "' is not empty."),
                            "in the command's words:\n" + commandRefused.text()));
        }
    }

    /** A reset target: its name in the figure, its options (the same in both tools), the NEW-OFFSET both must plan. */
    private record Target(String name, List<String> args, String expected) {
    }

    /**
     * Waits until Admin listShareGroupOffsets reports {@code startOffset} and {@code lag} for
     * the topic's partition 0: the acknowledgements reach the share coordinator as a state write
     * of the partition's leader, and Admin reads that coordinator.
     */
    private static SharePartitionOffsetInfo awaitStartOffsetAndLag(LabKafka kafka, String group, String topic, long startOffset,
                                                                   long lag) {
        TopicPartition partition = new TopicPartition(topic, 0);
        return await("share group " + group + ": start offset " + startOffset + ", lag " + lag).atMost(TIMEOUT)
                .until(() -> kafka.admin().listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
                                .partitionsToOffsetInfo(group).get().get(partition),
                        info -> info != null && info.startOffset() == startOffset && info.lag().orElse(-1L) == lag);
    }

    /**
     * Share groups must be on (share.version above 0): always on the lab's brokers; a cluster the
     * lab did not start may have them off (one upgraded from a release before 4.1), and is skipped.
     */
    private static void assumeShareGroups(LabKafka kafka) throws Exception {
        FinalizedVersionRange share = kafka.admin().describeFeatures().featureMetadata().get().finalizedFeatures().get("share.version");
        short level = share == null ? 0 : share.maxVersionLevel();
        if (kafka.backend() instanceof ExternalCluster) {
            assumeTrue(level > 0, "this cluster has share.version 0: share groups are off on it");
        }
        assertTrue(level > 0, "the lab's brokers have share groups on (share.version " + level + ")");
    }

    /** A new share group id whose share partitions start at the log start (group config share.auto.offset.reset). */
    private static String earliestShareGroup(LabKafka kafka, String prefix) throws Exception {
        String group = kafka.newGroupId(prefix);
        AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
        kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(earliest)))
                .all().get();
        return group;
    }

    /** A member in explicit mode reads the topic's {@value #RECORDS} records, acknowledges each as told, commits, and leaves. */
    private static void readAll(LabKafka kafka, String group, String topic,
                                java.util.function.Function<ConsumerRecord<String, String>, AcknowledgeType> ack) {
        try (KafkaShareConsumer<String, String> member = member(kafka, group, topic, "explicit")) {
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.stream().map(ConsumerRecord::offset).distinct().count() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : member.poll(Duration.ofMillis(100))) {
                    member.acknowledge(record, ack.apply(record)); // a released record may come back: released again
                    records.add(record);
                }
                member.commitSync(); // sends the acknowledgements now, not with the next poll
            }
            assertEquals(RECORDS, records.stream().map(ConsumerRecord::offset).distinct().count(),
                    "the member got all " + RECORDS + " records within " + TIMEOUT.toSeconds() + " s");
        }
    }

    private static KafkaShareConsumer<String, String> member(LabKafka kafka, String group, String topic, String ackMode) {
        Map<String, Object> config = ClientConfigs.consumer(kafka.backend(), group);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, ackMode); // explicit: acknowledge(record, type) per record
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, String>> pollAtLeast(KafkaShareConsumer<String, String> member, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            member.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        assertTrue(records.size() >= count, "expected " + count + " records within " + TIMEOUT.toSeconds() + " s, got " + records.size());
        return records;
    }
}

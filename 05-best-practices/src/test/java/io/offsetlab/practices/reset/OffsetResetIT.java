package io.offsetlab.practices.reset;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.tools.Invocation;
import io.offsetlab.practices.tools.KafkaConsumerGroupsCommand;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 keeping offsets alive, the repair: {@link OffsetReset}, the --reset-offsets equivalent.
 * One topic, 2 partitions of 10 records each; record i of each partition has the timestamp
 * {@link #at(int) BASE + i minutes}.
 */
@KafkaLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OffsetResetIT {

    /** An hour ago: older timestamps would fall to the 7-day retention (the lab broker checks it every second). */
    private static final Instant BASE = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    private String topic;
    private TopicPartition p0;
    private TopicPartition p1;

    /** The timestamp of record i: a minute apart, so that "now minus a duration" lands between two records. */
    private static Instant at(int i) {
        return BASE.plus(Duration.ofMinutes(i));
    }

    @BeforeAll
    void topicWithTimestamps(LabKafka kafka) {
        topic = kafka.createTopic("s5-reset", 2);
        p0 = new TopicPartition(topic, 0);
        p1 = new TopicPartition(topic, 1);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < 10; i++) {
                    long timestamp = at(i).toEpochMilli();
                    producer.send(new ProducerRecord<>(topic, partition, timestamp, "key-" + i, "record-" + i));
                }
            }
        }
    }

    /** A group that read both partitions to the end (10, 10), committed, and closed: Empty. */
    private String emptyGroupAtTheEnd(LabKafka kafka) {
        String group = kafka.newGroupId("s5-reset");
        try (KafkaConsumer<String, String> consumer = member(kafka, group)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2 && consumer.position(p0) == 10 && consumer.position(p1) == 10;
            });
            consumer.commitSync();
        }
        return group;
    }

    private KafkaConsumer<String, String> member(LabKafka kafka, String group) {
        KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private Invocation reset(LabKafka kafka, String group, String... target) {
        List<String> args = new ArrayList<>(List.of("--group", group, "--topic", topic));
        args.addAll(List.of(target));
        return Invocation.of(OffsetResetCommand::run, kafka.commandLine(args.toArray(String[]::new)));
    }

    private static List<List<String>> sorted(List<List<String>> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing((List<String> row) -> row.get(1))
                .thenComparing(row -> Integer.parseInt(row.get(2)))).toList();
    }

    /** The plan table's rows, split into cells. */
    private static List<List<String>> planRows(Invocation invocation, String group) {
        return KafkaConsumerGroupsCommand.tableRows(invocation.out(), group);
    }

    private List<Long> committed(LabKafka kafka, String group) {
        return Arrays.asList(OffsetProbe.committed(kafka.admin(), group, p0), OffsetProbe.committed(kafka.admin(), group, p1));
    }

    @Test
    void aDryRunIsTheDefaultAndChangesNothing(LabKafka kafka) {
        String group = emptyGroupAtTheEnd(kafka);

        Invocation dryRun = reset(kafka, group, "--to-earliest");

        assertAll(
                () -> assertEquals(Runner.OK, dryRun.exit(), dryRun.err()),
                () -> assertEquals(List.of(List.of(group, topic, "0", "0"), List.of(group, topic, "1", "0")), planRows(dryRun, group),
                        "the plan shows NEW-OFFSET 0 for both partitions:\n" + dryRun.out()),
                () -> assertTrue(dryRun.err().contains("Dry run: nothing changed"), dryRun.err()),
                () -> assertEquals(List.of(10L, 10L), committed(kafka, group), "without --execute the committed offsets stay at 10"));
    }

    @Test
    void executeMovesTheCommittedOffsetsToEachTarget(LabKafka kafka) {
        String group = emptyGroupAtTheEnd(kafka);

        reset(kafka, group, "--to-earliest", "--execute");
        List<Long> earliest = committed(kafka, group);
        reset(kafka, group, "--to-datetime", at(4).toString(), "--execute");
        List<Long> datetime = committed(kafka, group);
        reset(kafka, group, "--to-offset", "7", "--execute");
        List<Long> offset = committed(kafka, group);
        reset(kafka, group, "--to-latest", "--execute");
        List<Long> latest = committed(kafka, group);

        assertAll(
                () -> assertEquals(List.of(0L, 0L), earliest, "--to-earliest: the log start offsets"),
                () -> assertEquals(List.of(4L, 4L), datetime, "--to-datetime of record 4: the first record with a timestamp at or after it"),
                () -> assertEquals(List.of(7L, 7L), offset, "--to-offset 7"),
                () -> assertEquals(List.of(10L, 10L), latest, "--to-latest: the end offsets"));
    }

    @Test
    void offsetsOutsideTheLogAreMovedIntoRangeWithAWarning(LabKafka kafka) {
        String group = emptyGroupAtTheEnd(kafka);

        Invocation tooHigh = reset(kafka, group, "--to-offset", "99", "--execute");
        Invocation afterTheLastRecord = reset(kafka, group, "--to-datetime", at(30).toString());

        assertAll(
                () -> assertTrue(tooHigh.err().contains("New offset (99) is higher than latest offset for topic partition " + p0
                        + ". Value will be set to 10"), tooHigh.err()),
                () -> assertEquals(List.of(10L, 10L), committed(kafka, group), "offset 99 became the end offset, 10"),
                () -> assertTrue(afterTheLastRecord.err().contains("Falling back to latest known offset"),
                        "no record at or after BASE+30 min: the command's warning:\n" + afterTheLastRecord.err()),
                () -> assertEquals(rows(group, 10, 10), planRows(afterTheLastRecord, group),
                        "and the plan is the end offset, 10, for both partitions:\n" + afterTheLastRecord.out()));
    }

    @Test
    void aGroupWithAnActiveMemberIsRefused(LabKafka kafka) {
        String group = emptyGroupAtTheEnd(kafka);
        try (KafkaConsumer<String, String> live = member(kafka, group)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                live.poll(Duration.ofMillis(100));
                return live.assignment().size() == 2;
            });

            Invocation refused = reset(kafka, group, "--to-earliest", "--execute");

            assertAll(
                    () -> assertEquals(Runner.FAILED, refused.exit(), "a live group is refused with exit 1"),
                    () -> assertTrue(refused.err().contains("Assignments can only be reset if the group '" + group
                            + "' is inactive, but the current state is Stable."), "kafka-consumer-groups' own message:\n" + refused.err()),
                    () -> assertEquals(List.of(10L, 10L), committed(kafka, group), "nothing was changed"));
        }
    }

    /**
     * Expired offsets, restored: what expiry leaves behind is a group with no offsets at all. The
     * group is deleted here (deleteConsumerGroups), which leaves the same at once; chapter 02's
     * OffsetExpiryIT waits for the real expiry, which takes at least a minute.
     */
    @Test
    @Claim("5.retention")
    void offsetsOfADeletedGroupCanBeRestoredAndItsConsumersResumeThere(LabKafka kafka) throws Exception {
        String group = emptyGroupAtTheEnd(kafka);
        kafka.admin().deleteConsumerGroups(List.of(group)).all().get();

        Invocation restored = reset(kafka, group, "--to-offset", "6", "--execute");

        try (KafkaConsumer<String, String> consumer = member(kafka, group)) {
            ConsumerRecords<String, String> first = Polling.pollNonEmpty(consumer, Duration.ofSeconds(30));
            assertAll(
                    () -> assertEquals(Runner.OK, restored.exit(), restored.err()),
                    () -> assertEquals(List.of(6L, 6L), committed(kafka, group), "the restored commits"),
                    () -> assertEquals(6L, first.iterator().next().offset(),
                            "a new member starts at the restored offset, not where auto.offset.reset=earliest would put it"));
        }
    }

    @Test
    void thePlanAgreesWithKafkaConsumerGroupsCommandDryRun(LabKafka kafka) {
        String group = emptyGroupAtTheEnd(kafka);
        String datetime = at(3).toString().replace("Z", ".000Z");

        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.run(kafka.commandLine(
                "--reset-offsets", "--group", group, "--topic", topic, "--to-datetime", datetime, "--dry-run"));
        Invocation ours = reset(kafka, group, "--to-datetime", datetime);

        List<List<String>> ourRows = planRows(ours, group);
        assertAll(
                () -> assertEquals(0, command.exitCode(), command.text()),
                () -> assertEquals(List.of(List.of(group, topic, "0", "3"), List.of(group, topic, "1", "3")), ourRows, ours.out()),
                () -> assertEquals(sorted(command.rows(group)), ourRows, "the same plan as kafka-consumer-groups"
                        + " --reset-offsets --dry-run (which prints partitions in hash order; ours are sorted):\n" + command.text()));
    }

    @Test
    void badTargetsAreUsageErrors(LabKafka kafka, @TempDir Path dir) throws Exception {
        Invocation two = reset(kafka, "any", "--to-earliest", "--to-latest");
        Invocation none = reset(kafka, "any");
        Invocation notAnOffset = reset(kafka, "any", "--to-offset", "ten");
        Invocation notADate = reset(kafka, "any", "--to-datetime", "yesterday");
        Invocation notAShift = reset(kafka, "any", "--shift-by", "back");
        Invocation notADuration = reset(kafka, "any", "--by-duration", "1h");
        Invocation noFile = reset(kafka, "any", "--from-file", "/no/such/offsets.csv");
        Path malformed = Files.writeString(dir.resolve("malformed.csv"), "\n" + topic + ",0,5\nnot a line\n");
        Invocation badLine = Invocation.of(OffsetResetCommand::run, kafka.commandLine("--group", "any", "--from-file", malformed.toString()));

        for (Invocation bad : List.of(two, none, notAnOffset, notADate, notAShift, notADuration, noFile, badLine)) {
            assertEquals(Runner.USAGE, bad.exit(), "bad targets: usage and exit 2; got:\n" + bad.err());
        }
        assertAll(
                () -> assertTrue(two.err().contains("give exactly one of"), two.err()),
                () -> assertTrue(notAnOffset.err().contains("--to-offset must be an offset"), notAnOffset.err()),
                () -> assertTrue(notADate.err().contains("--to-datetime expects"), notADate.err()),
                () -> assertTrue(notAShift.err().contains("--shift-by must be a whole number"), notAShift.err()),
                () -> assertTrue(notADuration.err().contains("--by-duration expects an ISO-8601 duration"), notADuration.err()),
                () -> assertTrue(noFile.err().contains("--from-file: cannot read /no/such/offsets.csv"), noFile.err()),
                () -> assertTrue(badLine.err().contains("line 3 of " + malformed + " is not topic,partition,offset"),
                        "the bad line, numbered as in the file (blank lines count): " + badLine.err()));
    }

    /** A group whose only commit is offset 4 on partition 0 (Admin alterConsumerGroupOffsets creates it, Empty). */
    private String groupWithACommitOnPartition0Only(LabKafka kafka) throws Exception {
        String group = kafka.newGroupId("s5-reset");
        kafka.admin().alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(4))).all().get();
        return group;
    }

    /** Our plan and kafka-consumer-groups --reset-offsets --dry-run's, for {@code target}: [ours, the command's]. */
    private List<List<List<String>>> bothPlans(LabKafka kafka, String group, String... target) {
        List<String> args = new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic, "--dry-run"));
        args.addAll(List.of(target));
        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.run(kafka.commandLine(args.toArray(String[]::new)));
        assertEquals(0, command.exitCode(), command.text());
        return List.of(planRows(reset(kafka, group, target), group), sorted(command.rows(group)));
    }

    @Test
    void shiftByToCurrentAndByDurationAgreeWithKafkaConsumerGroupsCommandDryRun(LabKafka kafka) throws Exception {
        String atTheEnd = emptyGroupAtTheEnd(kafka);
        String onlyP0 = groupWithACommitOnPartition0Only(kafka);
        List<List<List<String>>> back3 = bothPlans(kafka, atTheEnd, "--shift-by", "-3");
        List<List<List<String>>> ahead5 = bothPlans(kafka, atTheEnd, "--shift-by", "5");
        List<List<List<String>>> current = bothPlans(kafka, onlyP0, "--to-current");
        // Now minus this lands 1 s after record 2, computed just before the two runs that use it
        // (not before the runs above, whatever they took). "Now" moves on while they run, and the
        // moment stays after record 2 and at or before record 3, a minute later: both runs plan
        // record 3 if they resolve "now" within 59 s of this line.
        String sinceRecord3 = Duration.between(at(2).plusSeconds(1), Instant.now()).truncatedTo(ChronoUnit.SECONDS).toString();
        List<List<List<String>>> duration = bothPlans(kafka, atTheEnd, "--by-duration", sinceRecord3);

        assertAll(
                () -> assertEquals(rows(atTheEnd, 7, 7), back3.get(0), "--shift-by -3: committed 10 minus 3"),
                () -> assertEquals(rows(atTheEnd, 10, 10), ahead5.get(0), "--shift-by 5: 15 is past the end, kept at 10"),
                () -> assertEquals(rows(onlyP0, 4, 10), current.get(0), "--to-current: the commit (4), the end where none (10)"),
                () -> assertEquals(rows(atTheEnd, 3, 3), duration.get(0), "--by-duration " + sinceRecord3 + ": record 3"),
                () -> assertEquals(back3.get(1), back3.get(0), "--shift-by -3: the same plan as kafka-consumer-groups"),
                () -> assertEquals(ahead5.get(1), ahead5.get(0), "--shift-by 5: the same plan as kafka-consumer-groups"),
                () -> assertEquals(current.get(1), current.get(0), "--to-current: the same plan as kafka-consumer-groups"),
                () -> assertEquals(duration.get(1), duration.get(0), "--by-duration: the same plan as kafka-consumer-groups"));
    }

    private List<List<String>> rows(String group, long offset0, long offset1) {
        return List.of(List.of(group, topic, "0", String.valueOf(offset0)), List.of(group, topic, "1", String.valueOf(offset1)));
    }

    @Test
    void shiftingAPartitionWithoutACommitIsRefusedWithTheCommandsMessage(LabKafka kafka) throws Exception {
        String group = groupWithACommitOnPartition0Only(kafka);

        Invocation refused = reset(kafka, group, "--shift-by", "1");

        assertAll(
                () -> assertEquals(Runner.FAILED, refused.exit(), "no committed offset on partition 1 to shift: exit 1"),
                () -> assertTrue(refused.err().contains("Cannot shift offset for partition " + p1
                        + " since there is no current committed offset"), refused.err()));
    }

    @Test
    @Claim("5.retention")
    void exportWritesTheCommandsCsvAndFromFilePutsTheOffsetsBack(LabKafka kafka, @TempDir Path dir) throws Exception {
        String group = emptyGroupAtTheEnd(kafka);
        KafkaConsumerGroupsCommand.Output command = KafkaConsumerGroupsCommand.run(kafka.commandLine("--reset-offsets",
                "--group", group, "--topic", topic, "--to-current", "--dry-run", "--export"));
        Invocation exported = reset(kafka, group, "--to-current", "--export");
        Path saved = Files.writeString(dir.resolve("offsets.csv"), exported.out());
        reset(kafka, group, "--to-earliest", "--execute"); // the mistake the saved file undoes

        Invocation restored = Invocation.of(OffsetResetCommand::run, kafka.commandLine("--group", group, "--from-file", saved.toString(),
                "--execute"));
        KafkaConsumerGroupsCommand.Output commandPlan = KafkaConsumerGroupsCommand.run(kafka.commandLine("--reset-offsets",
                "--group", group, "--from-file", saved.toString(), "--dry-run"));

        assertAll(
                () -> assertEquals(List.of(topic + ",0,10", topic + ",1,10"), csvLines(exported.out()), "--export: the committed offsets"),
                () -> assertEquals(csvLines(command.text()).stream().sorted().toList(), csvLines(exported.out()),
                        "the same CSV as kafka-consumer-groups --export:\n" + command.text()),
                () -> assertEquals(Runner.OK, restored.exit(), restored.err()),
                () -> assertEquals(List.of(10L, 10L), committed(kafka, group), "--from-file put back the saved offsets"),
                () -> assertEquals(sorted(commandPlan.rows(group)), planRows(restored, group),
                        "--from-file: the same plan as kafka-consumer-groups:\n" + commandPlan.text()));
    }

    private List<String> csvLines(String text) {
        return text.lines().map(String::trim).filter(l -> l.startsWith(topic + ",")).toList();
    }

    @Test
    void aTopicThatDoesNotExistIsNamedWithExit1AndNoPlan(LabKafka kafka) {
        String missing = LabKafka.uniqueName("no-such-topic");
        Invocation run = Invocation.of(OffsetResetCommand::run, kafka.commandLine("--group", kafka.newGroupId("any"), "--topic", missing,
                "--to-earliest"));
        assertAll(
                () -> assertEquals(Runner.FAILED, run.exit(), "a missing topic is a failure, not a usage error: " + run.err()),
                () -> assertTrue(run.err().contains("topic '" + missing + "' does not exist"), run.err()),
                () -> assertTrue(!run.out().contains("NEW-OFFSET"), "no plan for a topic that is not there:\n" + run.out()));
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.RunningReaders.Reading;
import io.offsetlab.practices.failover.TruncatedGroups.Restart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1 and §5 an offset can come to name a different record. On a 3-node cluster, a partition on
 * two nodes with min.insync.replicas=1 loses the 5 records (offsets 10-14) that only its leader
 * had, acknowledged with acks=1, when the follower without them is elected uncleanly; new records
 * take offsets 10-17 and the old leader, back, truncates and serves them. A group had committed 15.
 * What each group does when it starts again depends on whether its commit carried the leader
 * epoch (KIP-320) and on its auto.offset.reset policy: see {@link LogTruncation} and
 * {@link TruncatedGroups}. A consumer that keeps running across the election, its position at
 * 15, is checked the same way: {@link RunningReaders}. The contrast, acks=all with
 * min.insync.replicas=2, loses nothing: {@link NoTruncationWithAcksAll}. Both group protocols
 * (and with them both client implementations) for each case.
 */
@KafkaLab(brokers = 3)
@Claim("5.truncation")
@TestMethodOrder(OrderAnnotation.class) // the story's order, in which the claims report draws the figures
class LogTruncationIT {

    private static final List<Long> LOST_RANGE = LongStream.range(10, 15).boxed().toList();

    /** The scene's run per group protocol: both tests below read the same run (a run takes about 20 s on an idle machine). */
    private static final Map<String, LogTruncation.Result> RUNS = new ConcurrentHashMap<>();

    private static LogTruncation.Result run(String protocol, LabKafka kafka) throws Exception {
        LogTruncation.Result result = RUNS.get(protocol);
        if (result == null) {
            result = new LogTruncation(kafka.cluster(), kafka.admin(), new Timeline(System.out)).run(protocol);
            RUNS.put(protocol, result);
        }
        return result;
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Order(1)
    @Claim("1.offset") // §1: an offset is unique only while the log is not truncated
    void afterAnUncleanElectionNewRecordsTakeTheLostOffsetsAndOnlyAnEpochInTheCommitDetectsIt(String protocol,
            LabKafka kafka) throws Exception {
        LogTruncation.Result result = run(protocol, kafka);
        LogTruncation.Log log = result.log();
        LogTruncation.Leaderless leaderless = result.leaderless();
        Claims.figure(logFigure(protocol, result));
        Claims.figure(wave(protocol + ": groups started again, log end " + result.waves().firstEnd() + " < committed "
                + result.committed().offset(), result.waves().logEndsBefore(), newRecords(log, result.waves().firstEnd())));
        Claims.figure(wave(protocol + ": groups started again, log end " + log.end() + " > committed "
                + result.committed().offset(), result.waves().logEndsPast(), newRecords(log, log.end())));
        List<Executable> checks = new ArrayList<>(List.of(
                () -> assertEquals(15, result.committed().offset(), "the reader committed the next offset after 0-14"),
                () -> assertTrue(result.committed().leaderEpoch().isPresent(), "commitSync() carries the leader epoch (KIP-320)"),
                () -> assertEquals(LOST_RANGE, List.copyOf(log.before().keySet()), "only the leader had offsets 10-14"),
                () -> assertEquals(LOST_RANGE, log.reused(), "after the unclean election, new records took offsets 10-14"),
                () -> assertEquals("new-10", log.after().get(10L), "the old leader, back and leading, serves the new record at 10"),
                () -> assertEquals(13, result.waves().firstEnd(), "10 base + 3 new records when wave 1 starts again"),
                () -> assertEquals(18, log.end(), "10 base + 8 new records: the 5 lost ones are gone")));
        checks.add(() -> assertEquals(leaderless.elrLevel() >= 1 ? List.of() : List.of(result.nodes().leader()), leaderless.isr(),
                "with eligible leader replicas (KIP-966) the fenced last leader leaves the ISR; without, it stays"));
        checks.add(() -> assertEquals(leaderless.elrLevel() >= 1 ? List.of(result.nodes().leader()) : List.of(), leaderless.elr(),
                "and it is the ELR: the only replica a clean election could pick, not the follower"));
        checks.addAll(wave1(result.waves().logEndsBefore()));
        checks.addAll(wave2(result.waves().logEndsPast()));
        assertAll(checks);
    }

    /** The log ends at 13, before the committed 15. */
    private static List<Executable> wave1(List<Restart> wave) {
        Map<String, Restart> by = byKind(wave);
        return List.of(
                () -> divergesAndReads(by.get("epoch earliest"), 3, "the epoch shows the log diverged at 10: it goes back there, whatever the policy"),
                () -> divergesAndReads(by.get("epoch latest"), 3, "the same for latest: truncation is not a reset"),
                () -> throwsTruncation(by.get("epoch none")),
                () -> startsAtAndReads(by.get("plain earliest"), 0, 13, "no epoch: 15 is past the end, out of range, earliest goes to 0"),
                () -> startsAtAndReads(by.get("plain latest"), 13, 0, "no epoch: out of range, latest goes to the end, skipping new-10..new-12"),
                () -> assertEquals("OffsetOutOfRangeException at 15", by.get("plain none").error(),
                        "no epoch, policy none: out of range, not a detected truncation"));
    }

    /** The log ends at 18, past the committed 15. */
    private static List<Executable> wave2(List<Restart> wave) {
        Map<String, Restart> by = byKind(wave);
        return List.of(
                () -> divergesAndReads(by.get("epoch earliest"), 8, "the epoch shows the log diverged at 10: it reads new-10..new-17"),
                () -> divergesAndReads(by.get("epoch latest"), 8, "the same for latest"),
                () -> throwsTruncation(by.get("epoch none")),
                () -> startsAtAndReads(by.get("plain earliest"), 15, 3, "no epoch: 15 is a valid offset now, and silently names new-15; new-10..new-14 are skipped"),
                () -> startsAtAndReads(by.get("plain latest"), 15, 3, "the same whatever the policy: nothing is out of range"),
                () -> startsAtAndReads(by.get("plain none"), 15, 3, "even with none: nothing tells the consumer"));
    }

    /**
     * The partition's log as the run found it: where the lost records began (only the old leader
     * had them), the commit, where LogTruncationException says the logs part, and the log's end
     * when each wave of groups started again.
     */
    private static Figure logFigure(String protocol, LogTruncation.Result result) {
        LogTruncation.Log log = result.log();
        LogTruncation.Leaderless leaderless = result.leaderless();
        long firstLost = log.before().keySet().stream().min(Long::compare).orElseThrow();
        Restart none = byKind(result.waves().logEndsBefore()).get("epoch none");
        Figure figure = Figure.log(protocol + ": acks=1, min.insync.replicas=1, an unclean election")
                .mark("first lost offset (" + range(log.before()) + ", on the old leader only)", firstLost)
                .mark("committed, leader epoch " + result.committed().leaderEpoch().orElse(-1), result.committed().offset());
        if (none.divergentOffset() != null) {
            figure.mark("divergent offset of LogTruncationException (policy none)", none.divergentOffset());
        }
        return figure.mark("log end when wave 1 started again", result.waves().firstEnd())
                .mark("log end after " + newRecords(log, log.end()) + " new records", log.end())
                .note("offsets " + log.reused() + " reused: they named " + range(log.before()) + ", now "
                        + range(log.after().entrySet().stream().filter(e -> log.reused().contains(e.getKey()))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))))
                .note("ELR level " + leaderless.elrLevel() + ", leaderless ISR " + leaderless.isr() + " ELR " + leaderless.elr());
    }

    /** What each group of a wave read when it started again, against the new records in the log then. */
    private static Figure wave(String title, List<Restart> wave, long newInTheLog) {
        Figure figure = Figure.bars(title, "records");
        // the bar is the count: the text without its "(3)"
        wave.forEach(restart -> figure.value(restart.text().replaceAll(" \\(\\d+\\)$", ""), restart.records().offsets().size()));
        return figure.marker("new records in the log", newInTheLog);
    }

    /** How many records written after the election the log held below {@code end}, as the old leader serves them at the end. */
    private static long newRecords(LogTruncation.Log log, long end) {
        return log.after().entrySet().stream().filter(e -> e.getKey() < end && e.getValue().startsWith("new-")).count();
    }

    /** "lost-10..lost-14": the first and last of records by offset. */
    private static String range(Map<Long, String> records) {
        List<String> values = new java.util.TreeMap<>(records).values().stream().toList();
        return values.isEmpty() ? "none" : values.get(0) + ".." + values.get(values.size() - 1);
    }

    private static void divergesAndReads(Restart restart, int newRecords, String why) {
        assertAll(() -> assertEquals(10L, restart.records().startedAt(), restart.text() + ": " + why),
                () -> assertEquals(newRecords, restart.read("new"), restart.text() + ": only new records, all of them"),
                () -> assertEquals(newRecords, restart.records().offsets().size(), restart.text() + ": nothing else"));
    }

    private static void throwsTruncation(Restart restart) {
        assertAll(() -> assertEquals(10L, restart.divergentOffset(), restart.text()
                        + ": with policy none, poll() throws LogTruncationException, whose divergentOffsets() say where the logs part"),
                () -> assertTrue(restart.records().offsets().isEmpty(), restart.text() + ": it reads nothing"));
    }

    private static void startsAtAndReads(Restart restart, long at, int count, String why) {
        assertAll(() -> assertEquals(at, restart.records().startedAt(), restart.text() + ": " + why),
                () -> assertEquals(count, restart.records().offsets().size(), restart.text() + ": " + why),
                () -> assertNull(restart.error(), restart.text() + ": nothing thrown"));
    }

    /**
     * §5 a consumer that keeps running across the unclean election, its position at the end of
     * the lost range: it had read offsets 0-14 from the old leader (its position 15, with the
     * leader epoch of lost-14) and polls on while the leader dies, the follower is elected
     * uncleanly and new records take offsets 10-17. One consumer per policy, assign()ed, no group;
     * the same run as the test above. When its metadata names the new leader, its client asks
     * where its epoch ends (OffsetsForLeaderEpoch): at 10. With earliest and with latest it seeks
     * to 10, not to either end, and reads new-10..new-17 at the offsets where it had read
     * lost-10..lost-14; with none poll() throws LogTruncationException, whose offsets say where
     * it stood (15) and where the logs part (10).
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Order(2)
    void aConsumerRunningAcrossTheElectionGoesBackToWhereTheLogsPartOrThrowsWithNone(String protocol, LabKafka kafka)
            throws Exception {
        LogTruncation.Result result = run(protocol, kafka);
        Map<String, Reading> by = result.running().stream().collect(Collectors.toMap(Reading::policy, r -> r));
        Figure running = Figure.bars(protocol + " clients polling across the election: new records read", "records");
        result.running().forEach(reading -> running.value(reading.text(),
                reading.values().stream().filter(v -> v.startsWith("new-")).count()));
        Claims.figure(running.marker("new records in the log", newRecords(result.log(), result.log().end())));
        List<Long> readTwice = LongStream.concat(LongStream.range(0, 15), LongStream.range(10, 18)).boxed().toList();
        List<String> valuesTwice = Stream.of(values("base", 0, 10), values("lost", 10, 15), values("new", 10, 18))
                .flatMap(List::stream).toList();
        assertAll(
                () -> readsTheNewRecordsAtTheLostOffsets(by.get("earliest"), readTwice, valuesTwice),
                () -> readsTheNewRecordsAtTheLostOffsets(by.get("latest"), readTwice, valuesTwice),
                () -> assertEquals(LongStream.range(0, 15).boxed().toList(), by.get("none").offsets(), by.get("none").text()
                        + ": with none it reads nothing after the election"),
                () -> assertEquals("LogTruncationException", by.get("none").error(), by.get("none").text()
                        + ": with none, poll() throws when the validation finds the truncation"),
                () -> assertEquals(15L, by.get("none").fetchOffset(), by.get("none").text()
                        + ": the exception's offsetOutOfRangePartitions() give the position it stood at"),
                () -> assertEquals(10L, by.get("none").divergent().offset(), by.get("none").text()
                        + ": its divergentOffsets() give the first offset where the logs part"),
                () -> assertEquals(result.committed().leaderEpoch(), by.get("none").divergent().leaderEpoch(), by.get("none").text()
                        + ": in the epoch of the lost records, the one its position carried"));
    }

    private static void readsTheNewRecordsAtTheLostOffsets(Reading reading, List<Long> offsets, List<String> values) {
        assertAll(() -> assertEquals(offsets, reading.offsets(), reading.text()
                        + ": 0-14 before the election, then back to 10, not to either end of the log, and on to 17"),
                () -> assertEquals(values, reading.values(), reading.text()
                        + ": lost-10..lost-14 before, new-10..new-14 at the same offsets after"),
                () -> assertNull(reading.error(), reading.text() + ": nothing thrown with a policy"));
    }

    /** "PREFIX-from" .. "PREFIX-(to-1)". */
    private static List<String> values(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + "-" + i).toList();
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Order(3)
    void withAcksAllAndMinInsyncTwoTheSameStopAndKillLoseNothing(String protocol, LabKafka kafka) throws Exception {
        NoTruncationWithAcksAll.Result result = new NoTruncationWithAcksAll(kafka.cluster(), kafka.admin(),
                new Timeline(System.out)).run(protocol);
        Claims.figure(Figure.log(protocol + ": acks=all, min.insync.replicas=2, the same stop and kill, a clean election")
                .mark("first of 5 records on both replicas", result.before().keySet().stream().min(Long::compare).orElse(-1L))
                .mark("committed", result.committed().offset())
                .mark("where the group started again (policy none)",
                        Objects.requireNonNullElse(result.restart().records().startedAt(), -1L))
                .note("a write with only the leader in the ISR: " + result.refused())
                .note("offsets 10-14 named " + range(result.before()) + " before and " + range(result.after()) + " after"));
        assertAll(
                () -> assertEquals("refused, NotEnoughReplicasException", result.refused(),
                        "with the ISR below min.insync.replicas the leader refuses acks=all writes before appending"),
                () -> assertEquals(result.before(), result.after(), "offsets 10-14 name the same records after the clean election"),
                () -> assertEquals(15L, result.restart().records().startedAt(), result.restart().text()
                        + ": the commit validates (no truncation), the group goes on at 15"),
                () -> assertNull(result.restart().error(), "nothing thrown with policy none"));
    }

    /** "epoch earliest" to the restart of that group. */
    private static Map<String, Restart> byKind(List<Restart> wave) {
        return wave.stream().collect(Collectors.toMap(r -> (r.group().withEpoch() ? "epoch " : "plain ") + r.group().policy(), r -> r));
    }

    @AfterEach
    void restartTheKilledNodes(LabKafka kafka) {
        kafka.cluster().restartKilled();
    }
}

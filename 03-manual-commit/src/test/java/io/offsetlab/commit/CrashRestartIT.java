package io.offsetlab.commit;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.ProcessedLog;
import io.offsetlab.lab.run.ChildJvm;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §3, the restart story with real crashes: a {@link CrashableConsumer} in its own JVM is
 * killed with SIGKILL (no close(), no last commit) and started again. What it processed is
 * in a log file that survives the kill; the group's committed offsets are read with Admin.
 */
@KafkaLab
class CrashRestartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 300;
    private static final int RECORDS = PARTITIONS * PER_PARTITION;
    private static final int CRASHES = 3;
    /** Records for the commit-after-each-record test (100 a partition); its consumer is killed half-way. */
    private static final int PER_RECORD_RECORDS = 300;
    /** Enough that the worker, at 20 ms a record, is far from done when poll() has auto-committed them all. */
    private static final int HANDOFF_RECORDS = 3000;

    /**
     * §3 the article's example under a crash: commit after every record (commitAsync of its
     * offset + 1), killed with SIGKILL half-way. A commit is in flight from the moment it is
     * asked for until the consumer hears the broker's answer (the child reports both); the
     * record processed just before the kill may not have asked for its commit yet. Those are
     * all a restart can re-read: every other processed record's commit is on the broker.
     */
    @Test
    @Claim("3.per-message")
    void crashesWithACommitAfterEachRecordLoseNothingAndReReadAtMostTheCommitsInFlight(LabKafka kafka, @TempDir Path dir) {
        String topic = kafka.createTopic("per-record", PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            kafka.produce(topic, p, PER_RECORD_RECORDS / PARTITIONS);
        }
        String group = kafka.newGroupId("per-record");
        Path log = dir.resolve("processed.log");

        int processed;
        int asked;
        int answered;
        try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.COMMIT_EACH_RECORD)) {
            await("half of " + PER_RECORD_RECORDS + " records processed").atMost(TIMEOUT)
                    .until(() -> lines(log).size() >= PER_RECORD_RECORDS / 2 || !consumer.isAlive());
            assertTrue(consumer.isAlive(), "the consumer died on its own:\n" + consumer.output());
            consumer.kill(); // SIGKILL, mid-stream: the commits in flight never get their answer
            processed = lines(log).size();
            asked = consumer.reports(CrashableConsumer.COMMIT_ASKED).size();
            answered = consumer.reports(CrashableConsumer.COMMIT_ANSWERED).size();
        }
        int inFlight = processed - answered; // processed, and the consumer had not heard that the broker has its commit
        assertTrue(processed - asked == 0 || processed - asked == 1, "one commit asked for per record processed, but for "
                + "the one the kill may catch between its processing and its commit: " + processed + " processed, " + asked
                + " commits asked for");
        assertTrue(inFlight < processed, "the broker answered commits before the kill (" + answered + " of " + asked
                + "), so the bound is below what a consumer without commits re-reads (" + processed + ")");

        try (ChildJvm restarted = start(kafka, topic, group, log, CommitStrategy.COMMIT_EACH_RECORD, "--exit-at-end")) {
            assertEquals(0, restarted.waitFor(TIMEOUT), "the restart processes to the end and exits:\n" + restarted.output());
            assertEquals(lines(log).size() - processed, restarted.reports(CrashableConsumer.COMMIT_ASKED).size(),
                    "the restart asked for one commit per record it processed");
        }
        int reRead = lines(log).size() - distinct(log).size();
        Claims.figure(Figure.bars("commit after each record, " + PER_RECORD_RECORDS + " records, SIGKILL after " + processed,
                        "records")
                .value("re-read", reRead).value("lost", PER_RECORD_RECORDS - distinct(log).size())
                .marker("commits in flight (the bound)", inFlight)
                .note(asked + " commits asked for, " + answered + " answered, so " + inFlight + " in flight"));
        assertEquals(PER_RECORD_RECORDS, distinct(log).size(), "nothing lost: every record was processed at least once");
        assertTrue(reRead <= inFlight, "the restart re-read " + reRead + " records: at most the " + inFlight + " processed "
                + "records whose commit the consumer had not seen answered when it was killed");
    }

    /**
     * §3 the usual choice: process the batch poll() returned, then commitSync. Crashed
     * repeatedly, it loses nothing and re-reads only records processed after the last commit
     * before each crash.
     */
    @Test
    @Claim("5.commit-every")
    void crashesWithACommitAfterEachBatchLoseNothingAndReReadOnlyWhatWasNotCommitted(LabKafka kafka, @TempDir Path dir) {
        String topic = kafka.createTopic("crash", PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            kafka.produce(topic, p, PER_PARTITION);
        }
        String group = kafka.newGroupId("crash");
        Path log = dir.resolve("processed.log");
        long uncommittedAtCrashes = 0;
        long[] uncommittedAt = new long[CRASHES + 1]; // per crash, 1-based: processed past the committed offsets
        int[] duplicatesAfter = new int[CRASHES + 1]; // per crash: records the next run processed a second time

        for (int crash = 1; crash <= CRASHES; crash++) {
            int target = crash * RECORDS / (CRASHES + 1);
            try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.COMMIT_AFTER_PROCESSING)) {
                await("crash " + crash + ": " + target + " records processed").atMost(TIMEOUT)
                        .until(() -> distinct(log).size() >= target || !consumer.isAlive());
                assertTrue(consumer.isAlive(), "the consumer died on its own:\n" + consumer.output());
                consumer.kill(); // SIGKILL, mid-stream
            }
            // The run that just died re-read what the crash before it left uncommitted (one member: no other duplicates).
            duplicatesAfter[crash - 1] = duplicates(log) - duplicatesUpTo(duplicatesAfter, crash - 1);
            // Records processed past the committed offsets: what the next run re-reads, at most. It may re-read
            // fewer: killed in its turn before it fetched a partition's uncommitted records (the run after it
            // re-reads them, and they count in that kill's bound too: their committed offset had not moved), or
            // because a commit sent just before the kill reached the broker after this read. Measured: twice in
            // a row the run after the first kill re-read 0 of 42 and 0 of 36; the other kills, all of theirs.
            uncommittedAt[crash] = ProcessedLog.pastCommitted(lines(log), OffsetProbe.committed(kafka.admin(), group));
            uncommittedAtCrashes += uncommittedAt[crash];
        }
        try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.COMMIT_AFTER_PROCESSING, "--exit-at-end")) {
            assertEquals(0, consumer.waitFor(TIMEOUT), "the last run processes to the end and exits:\n" + consumer.output());
        }
        assertTrue(allCommitted(kafka, group, topic), "the last run committed every partition's end");
        duplicatesAfter[CRASHES] = duplicates(log) - duplicatesUpTo(duplicatesAfter, CRASHES);

        int duplicates = duplicates(log);
        for (int crash = 1; crash <= CRASHES; crash++) {
            Claims.figure(Figure.bars("SIGKILL " + crash + " of " + CRASHES + ", commit after each batch", "records")
                    .value("re-read by the next run", duplicatesAfter[crash])
                    .marker("processed but uncommitted at the kill (the bound)", uncommittedAt[crash]));
        }
        Claims.figure(Figure.bars(RECORDS + " records, " + CRASHES + " crashes (SIGKILL)", "records")
                .value("duplicates", duplicates).value("lost", RECORDS - distinct(log).size())
                .marker("processed but uncommitted at the crashes (the bound)", uncommittedAtCrashes));
        assertEquals(RECORDS, distinct(log).size(), "zero lost: every record was processed at least once");
        for (int crash = 1; crash <= CRASHES; crash++) {
            assertTrue(duplicatesAfter[crash] <= uncommittedAt[crash], "SIGKILL " + crash + ": the restart re-read "
                    + duplicatesAfter[crash] + " records, expected at most the " + uncommittedAt[crash] + " processed after "
                    + "the last commit before that kill (a restart resumes at the committed offsets)");
        }
        assertTrue(duplicates <= uncommittedAtCrashes, "duplicates (" + duplicates + ") are only the records processed after "
                + "the last commit before each crash (" + uncommittedAtCrashes + ")");
    }

    @Test
    void autoCommitCrashBeforeTheIntervalReReadsEverythingSinceTheLastAutoCommit(LabKafka kafka, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("auto-crash", 1);
        kafka.produce(topic, 0, 500);
        String group = kafka.newGroupId("auto-crash");
        Path log = dir.resolve("processed.log");
        String[] tenMinutes = {"--auto-commit-interval", "600000"};

        try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.AUTO_COMMIT, tenMinutes)) {
            await("all 500 processed").atMost(TIMEOUT).until(() -> distinct(log).size() == 500);
            consumer.kill(); // before auto.commit.interval.ms ever passed
        }
        assertNull(committed(kafka, group, new TopicPartition(topic, 0)), "auto commit never ran: nothing committed");
        try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.AUTO_COMMIT, "--exit-at-end", tenMinutes[0],
                tenMinutes[1])) {
            assertEquals(0, consumer.waitFor(TIMEOUT), "the restart runs to the end and exits:\n" + consumer.output());
        }
        assertEquals(500, lines(log).size() - distinct(log).size(), "a crash before the first auto commit re-reads all 500");
    }

    @Test
    @Claim("3.what-to-commit")
    void autoCommitWithProcessingHandedOffLosesRecordsOnACrash(LabKafka kafka, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("handoff", 1);
        kafka.produce(topic, 0, HANDOFF_RECORDS);
        String group = kafka.newGroupId("handoff");
        TopicPartition tp = new TopicPartition(topic, 0);
        Path log = dir.resolve("processed.log");

        try (ChildJvm consumer = start(kafka, topic, group, log, CommitStrategy.AUTO_COMMIT_HANDOFF)) {
            await("poll() auto-commits everything handed to the worker").atMost(TIMEOUT)
                    .until(() -> Long.valueOf(HANDOFF_RECORDS).equals(committed(kafka, group, tp)));
            consumer.kill();
        }
        int processedBeforeTheCrash = distinct(log).size();
        assertTrue(processedBeforeTheCrash < HANDOFF_RECORDS, "precondition: the worker had not processed all "
                + HANDOFF_RECORDS + " records when they were all committed (" + processedBeforeTheCrash + " processed)");
        try (ChildJvm restarted = start(kafka, topic, group, log, CommitStrategy.AUTO_COMMIT_HANDOFF, "--exit-at-end")) {
            assertEquals(0, restarted.waitFor(TIMEOUT), "the restart resumes at the committed end and exits:\n" + restarted.output());
        }
        int lost = HANDOFF_RECORDS - distinct(log).size();
        Claims.figure(Figure.bars("hand-off to a worker, auto commit, SIGKILL", "records")
                .value("committed by auto commit", HANDOFF_RECORDS).value("processed before the crash", processedBeforeTheCrash)
                .value("lost after the restart", lost));
        assertEquals(HANDOFF_RECORDS - processedBeforeTheCrash, lost, "records committed but never processed are lost for "
                + "good: the restart resumed at " + HANDOFF_RECORDS + " and processed none of the " + HANDOFF_RECORDS + " - "
                + processedBeforeTheCrash + " the worker had not done");
    }

    private static ChildJvm start(LabKafka kafka, String topic, String group, Path log, CommitStrategy strategy,
                                  String... extra) {
        List<String> args = new ArrayList<>(List.of(topic, group, log.toString(), strategy.name()));
        args.addAll(List.of(extra));
        return ChildJvm.start(kafka.backend(), CrashableConsumer.class, args.toArray(String[]::new));
    }

    private static boolean allCommitted(LabKafka kafka, String group, String topic) {
        for (int p = 0; p < PARTITIONS; p++) {
            if (!Long.valueOf(PER_PARTITION).equals(committed(kafka, group, new TopicPartition(topic, p)))) {
                return false;
            }
        }
        return true;
    }

    private static Long committed(LabKafka kafka, String group, TopicPartition tp) {
        return OffsetProbe.committed(kafka.admin(), group, tp);
    }

    private static List<String> lines(Path log) {
        return ProcessedLog.read(log);
    }

    /** Records processed more than once so far: lines of the processed log minus distinct records. */
    private static int duplicates(Path log) {
        List<String> lines = lines(log);
        return lines.size() - new HashSet<>(lines).size();
    }

    /** The duplicates counted for the runs before run {@code runs} (index 0 is the first run, which re-reads nothing). */
    private static int duplicatesUpTo(int[] perRun, int runs) {
        int sum = 0;
        for (int i = 0; i < runs; i++) {
            sum += perRun[i];
        }
        return sum;
    }

    private static Set<String> distinct(Path log) {
        return new HashSet<>(lines(log));
    }
}

package io.offsetlab.practices;

import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** §5 the chapter's demo and benchmark, run as a user runs them, against the test broker. */
@KafkaLab
class BestPracticesDemoIT {

    @Test
    void theDemoShowsNoDuplicatesWithTheRevocationCommitTheMonitorAndTheReset(LabKafka kafka) {
        Invocation run = run(BestPracticesDemo.SPEC, BestPracticesDemo::run, kafka.commandLine());

        assertAll(
                () -> assertEquals(DemoRunner.OK, run.exit(), run.err()),
                () -> assertTrue(run.out().contains("§5 避免 Kafka Offset 丢失的最佳实践"), "names the article section"),
                () -> assertTrue(run.out().lines().anyMatch(l -> l.matches("every 100 \\+ revocation \\+ shutdown\\s+400\\s+400\\s+0\\s+0\\s.*")),
                        "with the revocation commit: 400 produced, 400 processed, 0 duplicates, 0 lost:\n" + run.out()),
                () -> assertTrue(run.out().contains("has no active members."), "the monitor flags the empty group"),
                () -> assertTrue(run.out().contains("NEW-OFFSET"), "the reset plan is shown"),
                () -> assertTrue(run.out().contains("max.poll.interval.ms=600000: AT_RISK"), "the article's example, checked"),
                () -> assertTrue(run.out().contains("What to notice"), "ends with what to notice"),
                () -> assertTrue(run.out().contains("(deleted the demo's 3 topics and 3 groups)"), "leaves the cluster as it found it"));
    }

    @Test
    void theBenchmarkWritesATableACsvRowPerRunAndAChart(LabKafka kafka, @TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bench.csv");
        Path chart = dir.resolve("bench.png");

        Invocation run = run(CommitBenchmark.SPEC, CommitBenchmark::run, kafka.commandLine(
                "--records", "600", "--per-record-limit", "60", "--reps", "2", "--csv", csv.toString(), "--chart", chart.toString()));

        assertEquals(DemoRunner.OK, run.exit(), "the benchmark must finish; it said:\n" + run.out() + run.err());
        List<String> lines = Files.readAllLines(csv);
        assertAll(
                () -> assertEquals(1 + 2 * CommitBenchmark.Strategy.values().length, lines.size(),
                        "a header and one line per strategy and repetition:\n" + String.join("\n", lines)),
                () -> assertTrue(lines.stream().anyMatch(l -> l.startsWith("SYNC_PER_RECORD,1,60,")), "per record reads the first 60"),
                () -> assertTrue(run.out().contains("commitSync every 100"), run.out()),
                () -> assertTrue(Files.size(chart) > 1000, "a PNG chart was drawn"));
    }

    @Test
    void aBadBenchmarkOptionIsAUsageError(LabKafka kafka) {
        Invocation run = run(CommitBenchmark.SPEC, CommitBenchmark::run, kafka.commandLine("--reps", "0"));

        assertAll(
                () -> assertEquals(DemoRunner.USAGE, run.exit(), "exit 2 for a bad value"),
                () -> assertTrue(run.err().contains("--reps must be a whole number above 0, got '0'"), run.err()));
    }

    private static Invocation run(DemoRunner.Spec spec, DemoRunner.Demo demo, String... args) {
        return Invocation.of((arguments, out, err) -> DemoRunner.run(spec, arguments, demo, out, err), args);
    }
}

package io.offsetlab.practices;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.DemoOutput;
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
                () -> assertTrue(run.out().contains(",0,300\n"), "the saved offsets, as --export's CSV:\n" + run.out()),
                () -> assertTrue(run.out().contains("NEW-OFFSET"), "the reset plan is shown"),
                () -> assertTrue(run.out().lines().anyMatch(l -> l.matches(
                                "\\S+-live\\s+STALL\\s+members present, commits not moving for \\d+ s, lag 100 \\(\\S+-0\\)")),
                        "--check: a live member whose commit (200 of 300) does not move is STALL, with lag 100:\n" + run.out()),
                () -> assertTrue(run.out().contains("max.poll.interval.ms=600000: AT_RISK"), "the article's example, checked"),
                () -> assertTrue(inOrder(run.out(), "§5.1 ", "§5.2 ", "§5.3 ", "§5.4 ", "What to notice (§5):", "Proof: "),
                        "the article's order, then the common ending:\n" + run.out()),
                () -> assertTrue(run.out().strip().endsWith("(see 05-best-practices/README.md)."), "ends with the Proof line"),
                () -> assertTrue(run.out().contains("(deleted the demo's 3 topics and 4 groups)"), "leaves the cluster as it found it"),
                () -> DemoOutput.assertReadable(run.out() + run.err(), "5"));
    }

    private static boolean inOrder(String text, String... parts) {
        int at = 0;
        for (String part : parts) {
            at = text.indexOf(part, at);
            if (at < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A short run of every row at two handler costs: one CSV line per run, Kafka's perf tool
     * as the reference row, and uncommitted windows that were measured: commitSync every N
     * leaves exactly N records uncommitted just before each commit, and a run without commits
     * leaves every record it read.
     */
    @Test
    @Claim("5.commit-cost")
    void theBenchmarkWritesACsvLinePerRunWithThePerfToolAndMeasuredWindows(LabKafka kafka, @TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bench.csv");
        Path chart = dir.resolve("bench.png");

        Invocation run = run(CommitBenchmark.SPEC, CommitBenchmark::run, kafka.commandLine("--records", "40000",
                "--seconds", "0.3", "--reps", "1", "--work-us", "0,20", "--csv", csv.toString(), "--chart", chart.toString()));

        assertEquals(DemoRunner.OK, run.exit(), "the benchmark must finish; it said:\n" + run.out() + run.err());
        List<String> lines = Files.readAllLines(csv);
        int rows = CommitBenchmark.configs(List.of(0, 20)).size();
        assertAll(
                () -> assertEquals(1 + rows, lines.size(), "a header and one line per row and repetition:\n" + String.join("\n", lines)),
                () -> assertEquals("10", csvField(lines, "SYNC_EVERY_10,10,0,", "max_uncommitted"),
                        "commitSync every 10: 10 records handled and not yet committed, just before each commit"),
                () -> assertEquals(csvField(lines, "NONE,-,0,", "records"), csvField(lines, "NONE,-,0,", "max_uncommitted"),
                        "no commit: every record read stays uncommitted"),
                () -> assertEquals("40000", csvField(lines, "PERF_TOOL,-,0,", "records"),
                        "kafka-consumer-perf-test read the whole topic as the reference row"),
                () -> assertTrue(run.out().contains("handler: 20 µs of work per record"), run.out()),
                () -> assertTrue(Files.size(chart) > 1000, "a PNG chart was drawn"));
    }

    /** The named column of the CSV line that starts with {@code prefix}. */
    private static String csvField(List<String> lines, String prefix, String column) {
        int index = List.of(lines.get(0).split(",")).indexOf(column);
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.split(",", -1)[index]).orElse("no line starting with " + prefix);
    }

    @Test
    void aBadBenchmarkOptionIsAUsageErrorBeforeAnyClusterIsContacted(LabKafka kafka) {
        Invocation reps = run(CommitBenchmark.SPEC, CommitBenchmark::run, kafka.commandLine("--reps", "0"));
        Invocation work = run(CommitBenchmark.SPEC, CommitBenchmark::run, kafka.commandLine("--work-us", "50us"));

        assertAll(
                () -> assertEquals(DemoRunner.USAGE, reps.exit(), "exit 2 for a bad value"),
                () -> assertTrue(reps.err().contains("--reps must be a whole number above 0, got '0'"), reps.err()),
                () -> assertTrue(!reps.out().contains("broker:"), "a bad value is refused before any cluster is contacted:\n"
                        + reps.out()),
                () -> assertEquals(DemoRunner.USAGE, work.exit(), "exit 2 for a bad value"),
                () -> assertTrue(work.err().contains("--work-us takes microseconds per record"), work.err()));
    }

    private static Invocation run(DemoRunner.Spec spec, DemoRunner.Demo demo, String... args) {
        return Invocation.of((arguments, out, err) -> DemoRunner.run(spec, arguments, demo, out, err), args);
    }
}

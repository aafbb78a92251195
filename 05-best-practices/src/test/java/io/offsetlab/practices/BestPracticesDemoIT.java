package io.offsetlab.practices;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import io.offsetlab.practices.benchmark.CommitBenchmark.Strategy;
import io.offsetlab.practices.benchmark.CommitBenchmark;
import io.offsetlab.practices.tools.Invocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** §5 the chapter's demo and benchmark, run as a user runs them, against the test broker. */
@KafkaLab
class BestPracticesDemoIT {

    @Test
    void theDemoShowsNoDuplicatesWithTheRevocationCommitTheMonitorAndTheReset(LabKafka kafka) {
        Invocation run = Invocation.of(BestPracticesDemo.RUNNER::run, kafka.commandLine());

        assertAll(
                () -> assertEquals(Runner.OK, run.exit(), run.err()),
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
     * §5 what commits cost, from a short run of the rows it compares at three handler costs (0,
     * 20 and 1000 µs of work per record), three times each in rotating order. Relations that hold on
     * any machine, each measured within this one run on each row's best repetition (a loaded
     * machine only ever slows a run down, and a 0 µs run that reads the whole topic lasts
     * tens of milliseconds, so one stall can halve a single repetition):
     * <ul>
     *   <li>commitSync after every record keeps less than half of the no-commit throughput at
     *       either cost: each record waits for a round trip to the group coordinator;</li>
     *   <li>every 100 keeps more than every 1 at either cost: the interval sets the price;</li>
     *   <li>every 100 keeps a larger share of the no-commit throughput with 1 ms of work per
     *       record than with none: the work per record sets what the same commits cost. With 1 ms
     *       the work of 100 records (100 ms) outweighs a commit round trip even on a loaded machine
     *       (p99 43 ms in one CI run); with 20 µs (2 ms per 100) it did not, and this relation went
     *       red by chance in CI on 99ba28f (21% against 40%).</li>
     * </ul>
     * The run also writes one CSV line per run, with Kafka's perf tool as the reference row and
     * the uncommitted windows measured: commitSync every N leaves exactly N records uncommitted
     * just before each commit, and a run without commits leaves every record it read.
     */
    @Test
    @Claim("5.commit-cost")
    void committingAfterEveryRecordCostsOverHalfTheThroughputAndWhatCommitsCostDependsOnIntervalAndWork(LabKafka kafka,
            @TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bench.csv");
        Path chart = dir.resolve("bench.png");

        int reps = 3;
        Invocation run = Invocation.of(CommitBenchmark.RUNNER::run, kafka.commandLine("--records", "40000",
                "--seconds", "0.3", "--reps", String.valueOf(reps), "--work-us", "0,20,1000",
                "--rows", "PERF_TOOL,NONE,SYNC_EVERY_1,SYNC_EVERY_10,SYNC_EVERY_100",
                "--csv", csv.toString(), "--chart", chart.toString()));

        assertEquals(Runner.OK, run.exit(), "the benchmark must finish; it said:\n" + run.out() + run.err());
        List<String> lines = Files.readAllLines(csv);
        int rows = 1 + 4 * 3; // the perf tool once, and 4 strategies at each of 3 handler costs
        assertEquals(1 + rows * reps, lines.size(), "a header and one line per row and repetition:\n"
                + String.join("\n", lines));
        Strategy none = new Strategy(Mode.NONE, 0);
        Strategy every1 = new Strategy(Mode.SYNC, 1);
        Strategy every100 = new Strategy(Mode.SYNC, 100);
        double none0 = rate(lines, none, 0);
        double none20 = rate(lines, none, 20);
        double every1At0 = rate(lines, every1, 0);
        double every1At20 = rate(lines, every1, 20);
        double every100At0 = rate(lines, every100, 0);
        double every100At20 = rate(lines, every100, 20);
        double none1000 = rate(lines, none, 1000);
        double every100At1000 = rate(lines, every100, 1000);
        Claims.figure(Figure.bars("throughput by commit strategy and work per record, best of " + reps + " runs", "records/s").logScale()
                .value("0 µs of work: no commit", Math.round(none0))
                .value("0 µs: commitSync every 100 (" + percent(every100At0, none0) + ")", Math.round(every100At0))
                .value("0 µs: commitSync every 1 (" + percent(every1At0, none0) + ")", Math.round(every1At0))
                .value("20 µs of work: no commit", Math.round(none20))
                .value("20 µs: commitSync every 100 (" + percent(every100At20, none20) + ")", Math.round(every100At20))
                .value("20 µs: commitSync every 1 (" + percent(every1At20, none20) + ")", Math.round(every1At20))
                .value("1 ms of work: no commit", Math.round(none1000))
                .value("1 ms: commitSync every 100 (" + percent(every100At1000, none1000) + ")", Math.round(every100At1000)));
        // The other side of the trade-off, from the same runs: how many records a crash could re-read.
        Claims.figure(Figure.bars("the uncommitted window: records handled and not yet committed, at most (max_uncommitted, "
                        + "0 µs of work, the runs above)", "records").logScale()
                .value("no commit", maxUncommitted(lines, none, 0))
                .value("commitSync every 100", maxUncommitted(lines, every100, 0))
                .value("commitSync every 10", maxUncommitted(lines, new Strategy(Mode.SYNC, 10), 0))
                .value("commitSync every 1", maxUncommitted(lines, every1, 0)));
        String measured = "\n" + String.join("\n", lines);
        assertAll(
                () -> assertTrue(every1At0 < none0 / 2, "commitSync after every record, 0 µs of work: under half of no commit's "
                        + none0 + " records/s, got " + every1At0 + measured),
                () -> assertTrue(every1At20 < none20 / 2, "commitSync after every record, 20 µs of work: under half of no commit's "
                        + none20 + " records/s, got " + every1At20 + measured),
                () -> assertTrue(every100At0 > every1At0, "0 µs: every 100 (" + every100At0 + "/s) must beat every 1 (" + every1At0
                        + "/s)" + measured),
                () -> assertTrue(every100At20 > every1At20, "20 µs: every 100 (" + every100At20 + "/s) must beat every 1 ("
                        + every1At20 + "/s)" + measured),
                () -> assertTrue(every100At1000 / none1000 > every100At0 / none0, "every 100 must keep a larger share of no commit"
                        + " with 1 ms of work per record (" + percent(every100At1000, none1000) + ") than with none ("
                        + percent(every100At0, none0) + "): the work beside a commit sets what it costs" + measured),
                () -> assertEquals("10", csvField(lines, "SYNC_EVERY_10,10,0,", "max_uncommitted"),
                        "commitSync every 10: 10 records handled and not yet committed, just before each commit"),
                () -> assertEquals(csvField(lines, "NONE,-,0,", "records"), csvField(lines, "NONE,-,0,", "max_uncommitted"),
                        "no commit: every record read stays uncommitted"),
                () -> assertEquals("40000", csvField(lines, "PERF_TOOL,-,0,", "records"),
                        "kafka-consumer-perf-test read the whole topic as the reference row"),
                () -> assertTrue(run.out().contains("handler: 20 µs of work per record"), run.out()),
                () -> assertTrue(Files.size(chart) > 1000, "a PNG chart was drawn"));
    }

    /** The best records_per_second of one strategy at {@code workMicros} of work per record, over its repetitions. */
    private static double rate(List<String> lines, Strategy strategy, int workMicros) {
        String prefix = strategy.id() + "," + strategy.interval() + "," + workMicros + ","; // the CSV's first three columns
        int index = List.of(lines.get(0).split(",")).indexOf("records_per_second");
        return lines.stream().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.split(",", -1)[index]))
                .max().orElseThrow(() -> new AssertionError("no records_per_second for " + prefix + "\n"
                        + String.join("\n", lines)));
    }

    /** max_uncommitted of the repetition {@link #rate} takes: the row's best records_per_second. */
    private static long maxUncommitted(List<String> lines, Strategy strategy, int workMicros) {
        String prefix = strategy.id() + "," + strategy.interval() + "," + workMicros + ",";
        List<String> header = List.of(lines.get(0).split(","));
        int rate = header.indexOf("records_per_second");
        int window = header.indexOf("max_uncommitted");
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.split(",", -1))
                .max(java.util.Comparator.comparingDouble(f -> Double.parseDouble(f[rate])))
                .map(f -> Long.parseLong(f[window]))
                .orElseThrow(() -> new AssertionError("no max_uncommitted for " + prefix + "\n" + String.join("\n", lines)));
    }

    /** The named column of the CSV line that starts with {@code prefix}. */
    private static String csvField(List<String> lines, String prefix, String column) {
        int index = List.of(lines.get(0).split(",")).indexOf(column);
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.split(",", -1)[index]).orElse("no line starting with " + prefix);
    }

    @Test
    void aBadBenchmarkOptionIsAUsageErrorBeforeAnyClusterIsContacted(LabKafka kafka) {
        Invocation reps = Invocation.of(CommitBenchmark.RUNNER::run, kafka.commandLine("--reps", "0"));
        Invocation work = Invocation.of(CommitBenchmark.RUNNER::run, kafka.commandLine("--work-us", "50us"));
        Invocation row = Invocation.of(CommitBenchmark.RUNNER::run, kafka.commandLine("--rows", "NONE,SYNC_EVERY_7"));
        Invocation noRow = Invocation.of(CommitBenchmark.RUNNER::run, kafka.commandLine("--rows", ","));

        assertAll(
                () -> assertEquals(Runner.USAGE, reps.exit(), "exit 2 for a bad value"),
                () -> assertTrue(reps.err().contains("--reps must be a whole number above 0, got '0'"), reps.err()),
                () -> assertTrue(!reps.out().contains("broker:"), "a bad value is refused before any cluster is contacted:\n"
                        + reps.out()),
                () -> assertEquals(Runner.USAGE, work.exit(), "exit 2 for a bad value"),
                () -> assertTrue(work.err().contains("--work-us takes microseconds per record"), work.err()),
                () -> assertEquals(Runner.USAGE, row.exit(), "exit 2 for a row the benchmark does not have"),
                () -> assertTrue(row.err().contains("--rows takes row names from the CSV") && row.err().contains("got 'SYNC_EVERY_7'"),
                        "the message names the bad row and lists the good ones: " + row.err()),
                () -> assertEquals(Runner.USAGE, noRow.exit(), "exit 2 for no row at all"),
                () -> assertTrue(noRow.err().contains("got none"), noRow.err()));
    }

    /** A rate as a share of the no-commit rate: "11%", or "0.1%" below 10%. */
    private static String percent(double rate, double noCommit) {
        double share = 100 * rate / noCommit;
        return String.format(Locale.ROOT, share < 10 ? "%.1f%%" : "%.0f%%", share);
    }
}

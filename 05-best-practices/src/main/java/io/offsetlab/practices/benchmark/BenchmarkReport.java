package io.offsetlab.practices.benchmark;

import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.benchmark.CommitBenchmark.Config;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import io.offsetlab.practices.benchmark.CommitBenchmark.Strategy;
import io.offsetlab.practices.benchmark.Measurement.SyncLatency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The benchmark's results: a summary per row, the tables it prints, the CSV it writes. */
final class BenchmarkReport {

    /**
     * One row over its repetitions.
     *
     * @param run            the row: a strategy at a handler cost
     * @param runs           how many runs it had
     * @param rate           records/s: the median and range over the runs
     * @param maxUncommitted the largest uncommitted window any run had, -1 where not measured
     * @param syncLatency    the median over runs of each run's commitSync p50, and of its p99
     */
    record Summary(Config run, int runs, Rate rate, long maxUncommitted, SyncLatency syncLatency) {

        Strategy strategy() {
            return run.strategy();
        }

        int workMicros() {
            return run.workMicros();
        }
    }

    /** Records per second over a row's runs. */
    record Rate(double median, double min, double max) {
    }

    private BenchmarkReport() {
    }

    static List<Summary> summarize(List<Measurement> measurements) {
        Map<String, List<Measurement>> byRow = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            byRow.computeIfAbsent(m.run().strategy().id() + "@" + m.run().workMicros(), k -> new ArrayList<>()).add(m);
        }
        List<Summary> summaries = new ArrayList<>();
        for (List<Measurement> runs : byRow.values()) {
            double[] rates = sorted(runs, Measurement::recordsPerSecond);
            Measurement first = runs.get(0);
            Rate rate = new Rate(median(rates), rates[0], rates[rates.length - 1]);
            long maxUncommitted = runs.stream().mapToLong(m -> m.commits().maxUncommitted()).max().orElse(-1);
            SyncLatency latency = new SyncLatency(median(sorted(runs, m -> m.commits().syncLatency().p50Millis())),
                    median(sorted(runs, m -> m.commits().syncLatency().p99Millis())));
            summaries.add(new Summary(first.run(), runs.size(), rate, maxUncommitted, latency));
        }
        summaries.sort((a, b) -> a.workMicros() != b.workMicros() ? Integer.compare(a.workMicros(), b.workMicros())
                : Integer.compare(Strategy.ALL.indexOf(a.strategy()), Strategy.ALL.indexOf(b.strategy())));
        return summaries;
    }

    private static double[] sorted(List<Measurement> runs, ToDoubleFunction<Measurement> value) {
        return runs.stream().mapToDouble(value).sorted().toArray();
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One table per handler cost; each row compared with no commit at the same cost. */
    static String tables(List<Summary> summaries) {
        StringBuilder out = new StringBuilder();
        for (int work : summaries.stream().mapToInt(Summary::workMicros).distinct().toArray()) {
            List<Summary> rows = summaries.stream().filter(s -> s.workMicros() == work).toList();
            double noCommit = rows.stream().filter(s -> s.strategy().mode() == Mode.NONE).mapToDouble(s -> s.rate().median())
                    .findFirst().orElse(Double.NaN);
            out.append(String.format(Locale.ROOT, "handler: %d µs of work per record%n", work));
            TextTable table = new TextTable("STRATEGY", "REC/S", "MIN..MAX", "VS NO COMMIT", "MAX UNCOMMITTED",
                    "SYNC P50 MS", "P99 MS");
            for (Summary s : rows) {
                table.row(s.strategy().label(), String.format(Locale.ROOT, "%,.0f", s.rate().median()),
                        compact(s.rate().min()) + ".." + compact(s.rate().max()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * s.rate().median() / noCommit),
                        s.maxUncommitted() < 0 ? "-" : String.format(Locale.ROOT, "%,d", s.maxUncommitted()),
                        millis(s.syncLatency().p50Millis()), millis(s.syncLatency().p99Millis()));
            }
            out.append(table.render()).append('\n');
        }
        return out.toString();
    }

    /** 1.23M, 456k, 4.7k: a range that fits a terminal. */
    static String compact(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        return value >= 1e4 ? String.format(Locale.ROOT, "%.0fk", value / 1e3) : String.format(Locale.ROOT, "%.1fk", value / 1e3);
    }

    private static String millis(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    static void writeCsv(Path csv, List<Measurement> measurements) throws IOException {
        List<String> lines = new ArrayList<>(List.of("strategy,interval,work_us,rep,records,seconds,records_per_second,"
                + "max_uncommitted,commits,commit_sync_p50_ms,commit_sync_p99_ms"));
        for (Measurement m : measurements) {
            Strategy strategy = m.run().strategy();
            Measurement.Commits commits = m.commits();
            lines.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%.1f,%s,%s,%s,%s", strategy.id(), strategy.interval(),
                    m.run().workMicros(), m.rep(), m.throughput().records(), m.throughput().seconds(), m.recordsPerSecond(),
                    orEmpty(commits.maxUncommitted()), orEmpty(commits.count()), orEmpty(commits.syncLatency().p50Millis()),
                    orEmpty(commits.syncLatency().p99Millis())));
        }
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(csv, lines);
    }

    /** Not measured (-1) is an empty CSV field. */
    private static String orEmpty(long value) {
        return value < 0 ? "" : String.valueOf(value);
    }

    /** Not measured (-1) is an empty CSV field; milliseconds to the microsecond. */
    private static String orEmpty(double millis) {
        return millis < 0 ? "" : String.format(Locale.ROOT, "%.3f", millis);
    }
}

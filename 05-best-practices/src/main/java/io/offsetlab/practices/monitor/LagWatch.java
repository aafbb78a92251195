package io.offsetlab.practices.monitor;

import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagStatus.Sample;
import io.offsetlab.practices.monitor.LagStatus.Status;
import io.offsetlab.practices.monitor.LagStatus.Trend;
import io.offsetlab.practices.monitor.LagStatus.Verdict;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code ./run lag-monitor --watch} and {@code --check}: describe the groups again and again
 * ({@link LagMonitor#describe}, {@code every} seconds apart), then print each partition's
 * trend after every sample (--watch), or judge each group over the samples ({@link LagStatus},
 * --check). With {@code --time-lag} the printing and judging are {@link TimeLagTrends}'.
 */
final class LagWatch {

    private final Admin admin;
    private final List<String> groups;
    private final int every;
    private final int samples;

    /** {@code samples} descriptions of {@code groups}, {@code every} seconds apart. */
    LagWatch(Admin admin, List<String> groups, int every, int samples) {
        this.admin = admin;
        this.groups = groups;
        this.every = every;
        this.samples = samples;
    }

    /** --watch alone: each partition's trend, printed after every sample; false when no group was there. */
    boolean watch(TimeLagColumn timeLag, PrintStream out) throws Exception {
        Map<String, Map<String, Trend>> trends = new LinkedHashMap<>(); // each partition's trend so far, by group
        sample((round, taken) -> {
            taken.forEach(s -> LagStatus.add(trends.computeIfAbsent(s.lag().group(), g -> new LinkedHashMap<>()), s));
            if (timeLag == null) {
                printTrends(trends, round, every, out);
            } else {
                TimeLagTrends.print(trends, taken, timeLag, round, every, out);
            }
        });
        return !trends.isEmpty();
    }

    /** --check: every sample of the groups that were there, by group, to judge them. */
    Map<String, List<Sample>> collect() throws Exception {
        Map<String, List<Sample>> windows = new LinkedHashMap<>();
        sample((round, taken) -> taken.forEach(s -> windows.computeIfAbsent(s.lag().group(), g -> new ArrayList<>()).add(s)));
        return windows;
    }

    /**
     * --check's table, a status per group and why; exit {@value LagMonitorCommand#NOT_OK} when one is
     * not OK. With --max-lag-seconds, a group whose oldest unconsumed record is older is BEHIND (unless worse).
     */
    static int judge(Map<String, List<Sample>> windows, TimeLagColumn timeLag, long maxLagMs, PrintStream out) {
        List<Verdict> verdicts = windows.values().stream()
                .map(window -> timeLag == null ? LagStatus.judge(window) : TimeLagTrends.judge(window, timeLag, maxLagMs))
                .toList();
        TextTable table = new TextTable("GROUP", "STATUS", "WHY");
        verdicts.forEach(v -> table.row(v.group(), v.status().label(), v.detail()));
        out.print(table.render());
        return verdicts.stream().allMatch(v -> v.status() == Status.OK) ? Runner.OK : LagMonitorCommand.NOT_OK;
    }

    /** Describes the groups {@code samples} times and hands each round's samples (of the groups that exist) on, numbered from 1. */
    private void sample(BiConsumer<Integer, List<Sample>> round) throws Exception {
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                Thread.sleep(every * 1000L); // the sampling interval: rates are measured over the passing time
            }
            long at = System.currentTimeMillis();
            List<Sample> taken = new ArrayList<>();
            EmptyGroupFacts step4 = new EmptyGroupFacts(admin); // asked once per sample
            for (String group : groups) {
                GroupLag lag = LagMonitor.describe(admin, group, step4);
                if (lag != null) {
                    taken.add(new Sample(at, lag));
                }
            }
            round.accept(i + 1, taken);
        }
    }

    /** One refresh of --watch: each partition's lag now, and its rates since the first sample. */
    private static void printTrends(Map<String, Map<String, Trend>> trends, int sample, int every, PrintStream out) {
        out.println(watchHeading(sample, every));
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMED/S", "PRODUCED/S", "CATCH-UP");
        trends.forEach((group, partitions) -> partitions.values().forEach(t -> table.row(group, t.last().topic(),
                t.last().partition(), t.last().currentOffset(), t.last().logEndOffset(), t.last().lag(),
                rate(t, t.consumedPerSecond()), rate(t, t.producedPerSecond()), t.catchUp())));
        out.print(table.render());
        out.println();
    }

    /** The line above each --watch table. */
    static String watchHeading(int sample, int every) {
        return "sample " + sample + " at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " (every " + every
                + " s; rates since the first sample; Ctrl-C stops)";
    }

    static String rate(Trend trend, double perSecond) {
        return trend.lastAtMillis() == trend.firstAtMillis() ? "-" : String.format(Locale.ROOT, "%.1f", perSecond);
    }
}

package io.offsetlab.practices.monitor;

import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import io.offsetlab.practices.monitor.LagStatus.Sample;
import io.offsetlab.practices.monitor.LagStatus.Status;
import io.offsetlab.practices.monitor.LagStatus.Trend;
import io.offsetlab.practices.monitor.LagStatus.Verdict;
import io.offsetlab.practices.monitor.TimeLag.Age;
import io.offsetlab.practices.monitor.TimeLagEstimate.Estimate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --watch --time-lag} and {@code --check --max-lag-seconds} of {@link LagMonitorCommand}:
 * lag in records beside lag in time, exact and estimated, so a reader sees when the estimate lies.
 */
final class TimeLagTrends {

    private TimeLagTrends() {
    }

    /** One refresh of --watch --time-lag: the trends of --watch, then TIME-LAG, ESTIMATE and ERROR (estimate minus exact). */
    static void print(Map<String, Map<String, Trend>> trends, List<Sample> taken, TimeLagColumn timeLag, int round, int every,
            PrintStream out) {
        long now = System.currentTimeMillis();
        Map<String, Map<String, Age>> ages = new HashMap<>();
        for (Sample sample : taken) {
            timeLag.sample(sample.lag(), sample.atMillis());
            ages.put(sample.lag().group(), timeLag.ages(sample.lag(), now));
        }
        out.println(LagWatch.watchHeading(round, every));
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMED/S", "PRODUCED/S", "CATCH-UP", "TIME-LAG", "ESTIMATE", "ERROR");
        trends.forEach((group, partitions) -> partitions.values().forEach(t -> {
            Row row = t.last();
            Estimate estimate = timeLag.estimate(group, row, now);
            Age age = ages.getOrDefault(group, Map.of()).get(LagStatus.key(row));
            table.row(group, row.topic(), row.partition(), row.currentOffset(), row.logEndOffset(), row.lag(),
                    LagWatch.rate(t, t.consumedPerSecond()), LagWatch.rate(t, t.producedPerSecond()), t.catchUp(),
                    timeLag.cell(row, ages.getOrDefault(group, Map.of())), TimeLagColumn.cell(estimate), error(estimate, age));
        }));
        out.print(table.render());
        out.println();
    }

    /** The estimate minus the exact age, signed, in seconds; "-" unless both are known. */
    private static String error(Estimate estimate, Age age) {
        if (estimate == null || estimate.ageMs() == null || age == null) {
            return "-";
        }
        long error = estimate.ageMs() - Math.max(0, age.ageMs());
        return (error > 0 ? "+" : "") + TimeLagColumn.seconds(error);
    }

    /**
     * --check with --time-lag or --max-lag-seconds: {@link LagStatus#judge}'s verdict with the age
     * of the group's oldest unconsumed record (exact where this user may READ the topic, else the
     * estimate from the window's samples). Over {@code maxLagMs} (0: no limit) the group is BEHIND,
     * unless worse already; with a limit, a partition whose age is unknown makes it at least WARN,
     * since the limit could not be checked there.
     */
    static Verdict judge(List<Sample> window, TimeLagColumn timeLag, long maxLagMs) {
        Verdict verdict = LagStatus.judge(window);
        window.forEach(sample -> timeLag.sample(sample.lag(), sample.atMillis()));
        Sample last = window.get(window.size() - 1);
        long now = System.currentTimeMillis();
        Map<String, Age> ages = timeLag.ages(last.lag(), now);
        Long oldest = null;
        String where = null;
        List<String> unknown = new ArrayList<>();
        for (Row row : last.lag().rows()) {
            Long age = ageOf(row, ages, timeLag, last.lag().group(), now);
            if (age == null && row.currentOffset() != null) {
                unknown.add(LagStatus.key(row));
            } else if (age != null && (oldest == null || age > oldest)) {
                oldest = age;
                where = LagStatus.key(row) + (timeLag.unreadable(row.topic()) ? ", estimated: no READ" : "");
            }
        }
        Status status = verdict.status();
        String detail = verdict.detail();
        if (oldest != null) {
            String age = "oldest unconsumed record " + TimeLagColumn.seconds(oldest) + " old (" + where + ")";
            boolean over = maxLagMs > 0 && oldest > maxLagMs && status.compareTo(Status.BEHIND) < 0;
            status = over ? Status.BEHIND : status;
            detail = over ? age + ", over " + maxLagMs / 1000 + " s; " + detail : detail + "; " + age;
        }
        if (!unknown.isEmpty()) {
            detail += "; time lag unknown for " + String.join(", ", unknown)
                    + " (no READ without samples to estimate from: --watch SECONDS; or a committed offset beyond the end"
                    + " a read_committed reader sees: a truncated log, or a transaction still open)";
            status = maxLagMs > 0 && status.compareTo(Status.WARN) < 0 ? Status.WARN : status;
        }
        return new Verdict(verdict.group(), status, detail);
    }

    /** A row's age: exact when read, the estimate for a topic this user may not READ, else null. */
    private static Long ageOf(Row row, Map<String, Age> ages, TimeLagColumn timeLag, String group, long now) {
        Age age = ages.get(LagStatus.key(row));
        if (age != null) {
            return Math.max(0, age.ageMs());
        }
        Estimate estimate = timeLag.unreadable(row.topic()) ? timeLag.estimate(group, row, now) : null;
        return estimate == null ? null : estimate.ageMs();
    }
}

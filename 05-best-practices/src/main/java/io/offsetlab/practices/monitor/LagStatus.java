package io.offsetlab.practices.monitor;

import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import org.apache.kafka.common.GroupState;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * §5 "monitor your offsets", judged: a status per group from a window of samples, after the
 * rules of LinkedIn Burrow's consumer lag evaluation (no thresholds to tune). Per partition
 * with a committed offset, over the window:
 * <ul>
 *   <li>any sample with lag 0: OK;</li>
 *   <li>the committed offset never moved and there is lag: STALL;</li>
 *   <li>the committed offset moved but the lag grew at every sample: WARN;</li>
 *   <li>otherwise OK (the lag is shrinking, or not growing steadily).</li>
 * </ul>
 * The group takes its worst partition. A group with no members is judged on its own: STOP
 * with lag, OFFSETS AT RISK without (an empty group's offsets are on the retention clock,
 * KIP-211). One sample cannot show a trend: a single check says OK for a live group with lag,
 * and says so.
 */
public final class LagStatus {

    /** From best to worst. */
    public enum Status {
        OK, WARN, BEHIND, STALL, STOP, OFFSETS_AT_RISK;

        /** As printed: "OFFSETS AT RISK". */
        public String label() {
            return name().replace('_', ' ');
        }
    }

    /** One describe of a group, at the time it was taken. */
    public record Sample(long atMillis, GroupLag lag) {
    }

    /** A group's status and why, in words. */
    public record Verdict(String group, Status status, String detail) {
    }

    /** What one partition did over the window: its first and last row with a committed offset, and when. */
    public record Trend(Row first, long firstAtMillis, Row last, long lastAtMillis, boolean lagGrewEverySample, boolean lagWasZero) {

        /** A partition's trend from its first row. */
        static Trend of(Row row, long atMillis) {
            return new Trend(row, atMillis, row, atMillis, false, row.lag() == 0);
        }

        /** This trend with one more, later row: the lag grew at every sample only if it grew at this one too. */
        Trend then(Row row, long atMillis) {
            boolean grew = (lastAtMillis == firstAtMillis || lagGrewEverySample) && row.lag() > last.lag();
            return new Trend(first, firstAtMillis, row, atMillis, grew, lagWasZero || row.lag() == 0);
        }

        double seconds() {
            return (lastAtMillis - firstAtMillis) / 1000.0;
        }

        /** Records per second the group committed past, over the window. */
        public double consumedPerSecond() {
            return seconds() == 0 ? 0 : (last.currentOffset() - first.currentOffset()) / seconds();
        }

        /** Records per second written to the partition, over the window. */
        public double producedPerSecond() {
            return seconds() == 0 ? 0 : (last.logEndOffset() - first.logEndOffset()) / seconds();
        }

        /** "caught up", the time to catch up at the window's rates, or "falling behind". */
        public String catchUp() {
            if (last.lag() == 0) {
                return "caught up";
            }
            if (seconds() == 0) {
                return "-";
            }
            double gain = consumedPerSecond() - producedPerSecond();
            return gain > 0 ? Math.round(last.lag() / gain) + " s" : "falling behind";
        }

        Status status() {
            if (lagWasZero) {
                return Status.OK;
            }
            if (seconds() == 0) {
                return Status.OK; // one sample: no trend to judge
            }
            if (last.currentOffset().equals(first.currentOffset())) {
                return Status.STALL;
            }
            return lagGrewEverySample ? Status.WARN : Status.OK;
        }
    }

    private LagStatus() {
    }

    /** Each partition's trend over {@code window} (oldest first), in the order the partitions first appear. */
    public static Map<String, Trend> trends(List<Sample> window) {
        Map<String, Trend> trends = new LinkedHashMap<>();
        window.forEach(sample -> add(trends, sample));
        return trends;
    }

    /** Folds {@code sample}, later than those before, into each partition's trend (partitions with a committed offset). */
    public static void add(Map<String, Trend> trends, Sample sample) {
        for (Row row : sample.lag().rows()) {
            if (row.lag() != null) { // never committed: nothing to judge
                trends.merge(key(row), Trend.of(row, sample.atMillis()), (trend, first) -> trend.then(row, sample.atMillis()));
            }
        }
    }

    /** "topic-partition", as Kafka names a partition. */
    static String key(Row row) {
        return row.topic() + "-" + row.partition();
    }

    /** The group's verdict over {@code window} (oldest first, at least one sample). */
    public static Verdict judge(List<Sample> window) {
        Sample lastSample = window.get(window.size() - 1);
        GroupLag last = lastSample.lag();
        long lag = last.rows().stream().filter(r -> r.lag() != null).mapToLong(Row::lag).sum();
        if (last.state() == GroupState.EMPTY) {
            String expiry = expiry(window, last);
            return lag > 0
                    ? new Verdict(last.group(), Status.STOP, "no members, lag " + lag + "; " + expiry)
                    : new Verdict(last.group(), Status.OFFSETS_AT_RISK, "no members, lag 0; " + expiry);
        }
        Map<String, Trend> trends = trends(window);
        if (trends.isEmpty()) {
            return new Verdict(last.group(), Status.OK, "no committed offsets yet: nothing to judge");
        }
        Status worst = trends.values().stream().map(Trend::status).max(Comparator.naturalOrder()).orElse(Status.OK);
        String partitions = trends.entrySet().stream().filter(e -> e.getValue().status() == worst).map(Map.Entry::getKey)
                .collect(Collectors.joining(", "));
        long seconds = Math.round((lastSample.atMillis() - window.get(0).atMillis()) / 1000.0);
        return new Verdict(last.group(), worst, switch (worst) {
            case STALL -> "members present, commits not moving for " + seconds + " s, lag " + lag + " (" + partitions + ")";
            case WARN -> "lag grew at every sample for " + seconds + " s while the commits moved, lag " + lag + " (" + partitions + ")";
            default -> "lag " + lag + (window.size() == 1 && lag > 0
                    ? "; one sample shows no trend (--watch SECONDS --samples N judges a window)" : "");
        });
    }

    /**
     * When an empty group's offsets expire (KIP-211): after offsets.retention.minutes, counted
     * from when it emptied (classic) or from each partition's last commit (consumer protocol).
     * Kafka tells a client neither time, so the most this can say is "within" the retention,
     * less the time this window saw the group empty.
     */
    private static String expiry(List<Sample> window, GroupLag last) {
        if (last.retentionMinutes() == null) {
            return "its offsets expire after offsets.retention.minutes (default 7 days; this user may not read it), KIP-211";
        }
        long emptySince = window.stream().filter(s -> s.lag().state() == GroupState.EMPTY).mapToLong(Sample::atMillis)
                .min().orElse(window.get(window.size() - 1).atMillis());
        long seenEmptyMinutes = (window.get(window.size() - 1).atMillis() - emptySince) / 60_000;
        String clock = last.expiryCountsFromEachCommit() ? "each partition's last commit" : "when the group emptied";
        return "its offsets expire within " + minutes(last.retentionMinutes() - seenEmptyMinutes)
                + " (offsets.retention.minutes=" + last.retentionMinutes() + ", counted from " + clock + "; KIP-211)";
    }

    private static String minutes(long minutes) {
        return minutes >= 2 * 24 * 60 ? minutes / (24 * 60) + " days" : minutes >= 120 ? minutes / 60 + " h" : minutes + " min";
    }
}

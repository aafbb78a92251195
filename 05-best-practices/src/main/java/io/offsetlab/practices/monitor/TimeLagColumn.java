package io.offsetlab.practices.monitor;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import io.offsetlab.practices.monitor.TimeLag.Age;
import io.offsetlab.practices.monitor.TimeLagEstimate.Estimate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code --time-lag} of {@link LagMonitorCommand}: each row's TIME-LAG, exactly ({@link TimeLag})
 * where this user may READ the topic, and under {@code --watch} kafka-lag-exporter's estimate
 * ({@link TimeLagEstimate}) beside it, with its error. A topic without READ is named once, and
 * its rows fall back to the estimate, which needs only what LAG needs.
 */
final class TimeLagColumn implements AutoCloseable {

    /** How long one group's records may take to read: a partition still unread then is left out. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The samples each partition's table keeps: kafka-lag-exporter's default. */
    private static final int TABLE_SIZE = 60;

    private final KafkaConsumer<byte[], byte[]> reader;
    private final Set<String> unreadable = new TreeSet<>();
    private final Map<String, TimeLagEstimate> tables = new HashMap<>();
    private final Map<String, String> failures = new TreeMap<>();

    TimeLagColumn(KafkaBackend cluster) {
        this.reader = TimeLag.reader(cluster);
    }

    /** Each row's oldest unconsumed record, by "topic-partition"; rows of a topic this user may not READ are left out. */
    Map<String, Age> ages(GroupLag lag, long nowMs) {
        Map<TopicPartition, Long> committed = new HashMap<>();
        lag.rows().stream().filter(row -> row.currentOffset() != null)
                .forEach(row -> committed.put(new TopicPartition(row.topic(), row.partition()), row.currentOffset()));
        return ages(committed, nowMs);
    }

    /**
     * The age of the first record at or after each partition's offset in {@code from}, by
     * "topic-partition"; partitions of a topic this user may not READ are left out.
     */
    private Map<String, Age> ages(Map<TopicPartition, Long> from, long nowMs) {
        Map<String, Map<TopicPartition, Long>> committedByTopic = new LinkedHashMap<>();
        from.forEach((partition, offset) -> {
            if (!unreadable.contains(partition.topic())) {
                committedByTopic.computeIfAbsent(partition.topic(), t -> new HashMap<>()).put(partition, offset);
            }
        });
        Map<String, Age> ages = new HashMap<>();
        committedByTopic.forEach((topic, committed) -> {
            try {
                TimeLag.oldestUnconsumed(reader, committed, READ_TIMEOUT, nowMs)
                        .forEach((partition, age) -> ages.put(partition.topic() + "-" + partition.partition(), age));
            } catch (TopicAuthorizationException e) {
                unreadable.add(topic); // asked once: the estimate stands in for it from now on
            } catch (KafkaException e) {
                failures.put(topic, e.getClass().getSimpleName() + ": " + e.getMessage()); // its cells say "?"
            }
        });
        return ages;
    }

    /** {@code columns} (the command's), then TIME-LAG: one row per partition of the group. */
    void printTable(GroupLag lag, List<String> columns, PrintStream out) {
        Map<String, Age> ages = ages(lag, System.currentTimeMillis());
        List<String> headers = new ArrayList<>(columns);
        headers.add("TIME-LAG");
        TextTable table = new TextTable(headers.toArray(String[]::new));
        for (Row row : lag.rows()) {
            List<Object> cells = new ArrayList<>(row.cells());
            cells.add(cell(row, ages));
            table.row(cells.toArray());
        }
        out.print(table.render());
    }

    /**
     * A share group's table (§6), then TIME-LAG: the age of the record at START-OFFSET, the oldest
     * record not known to be done (0 when LAG is 0). START-OFFSET trails by one state write, so
     * with LAG above 0 the record there may be done already, and the age then overstates.
     */
    void printShareTable(ShareGroupLag.ShareLag lag, PrintStream out) {
        Map<TopicPartition, Long> starts = new HashMap<>();
        lag.rows().stream().filter(row -> row.startOffset() != null && row.lag() != null && row.lag() > 0)
                .forEach(row -> starts.put(new TopicPartition(row.topic(), row.partition()), row.startOffset()));
        Map<String, Age> ages = ages(starts, System.currentTimeMillis());
        List<String> headers = new ArrayList<>(ShareGroupLag.COLUMNS);
        headers.add("TIME-LAG");
        TextTable table = new TextTable(headers.toArray(String[]::new));
        for (ShareGroupLag.Row row : lag.rows()) {
            List<Object> cells = new ArrayList<>(row.cells());
            cells.add(shareCell(row, ages));
            table.row(cells.toArray());
        }
        out.print(table.render());
    }

    private String shareCell(ShareGroupLag.Row row, Map<String, Age> ages) {
        if (row.startOffset() == null || row.lag() == null) {
            return "-";
        }
        if (row.lag() == 0) {
            return seconds(0);
        }
        if (unreadable.contains(row.topic())) {
            return "no READ";
        }
        Age age = ages.get(row.topic() + "-" + row.partition());
        return age == null ? "?" : seconds(Math.max(0, age.ageMs()));
    }

    /** One more sample of each row's end offset, for the estimate's tables. */
    void sample(GroupLag lag, long atMs) {
        for (Row row : lag.rows()) {
            if (row.logEndOffset() != null) {
                tables.computeIfAbsent(lag.group() + " " + LagStatus.key(row), k -> new TimeLagEstimate(TABLE_SIZE))
                        .add(row.logEndOffset(), atMs);
            }
        }
    }

    /** The estimate of a row's time lag from its table; null without a committed offset or a table. */
    Estimate estimate(String group, Row row, long nowMs) {
        TimeLagEstimate table = tables.get(group + " " + LagStatus.key(row));
        return table == null || row.currentOffset() == null ? null : table.estimate(row.currentOffset(), nowMs);
    }

    /**
     * TIME-LAG as printed: "-" without a committed offset, "no READ" for a topic this user may not
     * read, "?" when the age is unknown (a committed offset beyond the end a read_committed reader
     * sees, the last stable offset: a truncated log, or a commit inside a transaction still open;
     * a read that failed).
     */
    String cell(Row row, Map<String, Age> ages) {
        if (row.currentOffset() == null) {
            return "-";
        }
        if (unreadable.contains(row.topic())) {
            return "no READ";
        }
        Age age = ages.get(LagStatus.key(row));
        return age == null ? "?" : seconds(Math.max(0, age.ageMs())); // a CreateTime in the future is not "ahead"
    }

    /** An estimate as printed: its age, "~" when extrapolated outside the table, or why there is none. */
    static String cell(Estimate estimate) {
        if (estimate == null) {
            return "-";
        }
        return switch (estimate.kind()) {
            case CAUGHT_UP, INTERPOLATED -> seconds(estimate.ageMs());
            case EXTRAPOLATED -> "~" + seconds(estimate.ageMs());
            case TOO_FEW_SAMPLES -> "1 sample";
            case NO_SLOPE -> "no slope";
        };
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    /** Says once which topics this user may not READ, and what the column does about it. */
    void printNotes(PrintStream err) {
        failures.forEach((topic, why) -> err.println("TIME-LAG: the records of topic " + topic + " could not be read (" + why
                + "); its cells say ?."));
        if (!unreadable.isEmpty()) {
            err.println("TIME-LAG: no READ on topic " + String.join(", ", unreadable) + " for this user, so the age of its"
                    + " records cannot be read; --watch estimates it from sampled end offsets (ESTIMATE), which needs DESCRIBE only.");
        }
    }

    boolean unreadable(String topic) {
        return unreadable.contains(topic);
    }

    @Override
    public void close() {
        reader.close();
    }
}

package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a consumer in a child JVM processed, as "partition offset" lines in a file, one per
 * record, written at once: a SIGKILL cannot take back what was written (the operating system
 * holds it), so whoever started the consumer counts afterwards what it processed, twice, or not
 * at all. The crash consumers of chapters 03 and 05 write one.
 */
public final class ProcessedLog implements AutoCloseable {

    private final OutputStream out;

    private ProcessedLog(OutputStream out) {
        this.out = out;
    }

    /** Opens {@code file} to append to. */
    public static ProcessedLog appendTo(Path file) {
        try {
            return new ProcessedLog(new FileOutputStream(file.toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Records that {@code record} was processed. */
    public void processed(ConsumerRecord<?, ?> record) {
        try {
            out.write((record.partition() + " " + record.offset() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the processed log", e);
        }
    }

    /** The "partition offset" lines in {@code file}, one per processed record; none when there is no file yet. */
    public static List<String> read(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Where processing stopped in each partition, from {@code lines} (as {@link #read} gives
     * them): the offset after the highest one processed, by partition number.
     */
    public static Map<Integer, Long> stoppedAt(List<String> lines) {
        Map<Integer, Long> next = new TreeMap<>();
        for (String line : lines) {
            String[] partitionAndOffset = line.split(" ");
            next.merge(Integer.parseInt(partitionAndOffset[0]), Long.parseLong(partitionAndOffset[1]) + 1, Math::max);
        }
        return next;
    }

    /**
     * How many records were processed past the committed offsets: in each partition, from its
     * committed offset (0 when it has none) to where processing stopped ({@link #stoppedAt}).
     * What a consumer that restarted now would read again.
     *
     * @param lines     the log of a consumer of one topic, as {@link #read} gives it
     * @param committed the group's committed offsets of that topic (as {@link OffsetProbe#committed} reads them)
     */
    public static long pastCommitted(List<String> lines, Map<TopicPartition, Long> committed) {
        long total = 0;
        for (Map.Entry<Integer, Long> stopped : stoppedAt(lines).entrySet()) {
            long commit = committed.entrySet().stream().filter(c -> c.getKey().partition() == stopped.getKey())
                    .mapToLong(Map.Entry::getValue).findFirst().orElse(0L);
            total += Math.max(0, stopped.getValue() - commit);
        }
        return total;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the processed log", e);
        }
    }
}

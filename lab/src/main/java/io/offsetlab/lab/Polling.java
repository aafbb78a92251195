package io.offsetlab.lab;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** poll() in a loop until enough records arrived, with a deadline instead of a guess. */
public final class Polling {

    private static final Duration POLL = Duration.ofMillis(100);

    private Polling() {
    }

    /**
     * Polls until at least {@code count} records arrived and returns all of them (a poll may
     * return more than needed; up to max.poll.records). Fails after {@code timeout}.
     */
    public static <K, V> List<ConsumerRecord<K, V>> pollAtLeast(Consumer<K, V> consumer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected " + count + " records within " + timeout.toSeconds()
                        + " s, got " + records.size());
            }
            consumer.poll(POLL).forEach(records::add);
        }
        return records;
    }
}

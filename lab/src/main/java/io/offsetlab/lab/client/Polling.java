package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * poll() in a loop until enough records arrived, with a deadline instead of a guess. A member
 * the group dropped meanwhile is not an error here: see {@link #pollRejoining}.
 */
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
        pollUntil(consumer, timeout, batch -> batch.forEach(records::add), () -> records.size() >= count,
                () -> "expected " + count + " records, got " + records.size());
        return records;
    }

    /** Polls until a poll() returns records, and returns that batch (as one poll() gave it). */
    public static <K, V> ConsumerRecords<K, V> pollNonEmpty(Consumer<K, V> consumer, Duration timeout) {
        List<ConsumerRecords<K, V>> first = new ArrayList<>();
        pollUntil(consumer, timeout, batch -> {
            if (first.isEmpty() && !batch.isEmpty()) {
                first.add(batch);
            }
        }, () -> !first.isEmpty(), () -> "no records arrived");
        return first.get(0);
    }

    /**
     * Polls (ignoring records) until {@code done}, e.g. until a rebalance assigned a partition; a
     * failure names {@code what} it waited for.
     */
    public static void pollUntil(Consumer<?, ?> consumer, Duration timeout, String what, BooleanSupplier done) {
        pollUntil(consumer, timeout, records -> { }, done, () -> "waited for " + what);
    }

    /** Polls, handing every batch to {@code onRecords}, until {@code done}; a failure names {@code what} it waited for. */
    public static <K, V> void pollUntil(Consumer<K, V> consumer, Duration timeout, String what,
                                        java.util.function.Consumer<ConsumerRecords<K, V>> onRecords, BooleanSupplier done) {
        pollUntil(consumer, timeout, onRecords, done, () -> "waited for " + what);
    }

    private static <K, V> void pollUntil(Consumer<K, V> consumer, Duration timeout,
                                         java.util.function.Consumer<ConsumerRecords<K, V>> onRecords,
                                         BooleanSupplier done, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up polling after " + seconds(timeout) + ": " + failure.get());
            }
            onRecords.accept(pollRejoining(consumer, POLL, dropped -> { }));
        }
    }

    /**
     * One poll() that survives the group having dropped this member. With the consumer protocol
     * (KIP-848), poll() fetches the committed offsets of newly assigned partitions. If the
     * coordinator dropped the member meanwhile (its session expired: on a loaded machine a
     * heartbeat can come too late), that OffsetFetch fails with UNKNOWN_MEMBER_ID, or with
     * STALE_MEMBER_EPOCH once the client has no member epoch left, and poll() throws it (4.4
     * client: CommitRequestManager.OffsetFetchRequestState.onFailure). The partitions still
     * wait for their offsets, so the next polls may throw again, until a heartbeat learns that
     * the member is gone and it rejoins with a new assignment. Each such poll returns no
     * records and tells {@code onDropped}. (A classic member's OffsetFetch names no member:
     * classic rejoins inside poll().)
     */
    public static <K, V> ConsumerRecords<K, V> pollRejoining(Consumer<K, V> consumer, Duration timeout,
                                                             java.util.function.Consumer<ApiException> onDropped) {
        try {
            return consumer.poll(timeout);
        } catch (UnknownMemberIdException | StaleMemberEpochException dropped) {
            onDropped.accept(dropped);
            return ConsumerRecords.empty();
        }
    }

    /** "60 s", or "0.2 s" below a second. */
    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() / 1000.0 + " s";
    }
}

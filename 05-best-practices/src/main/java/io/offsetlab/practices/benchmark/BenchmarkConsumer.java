package io.offsetlab.practices.benchmark;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.practices.benchmark.CommitBenchmark.Config;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import io.offsetlab.practices.benchmark.CommitBenchmark.Strategy;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One timed run of the benchmark: a consumer of a new group reads the topic from the start,
 * in chapter 05's loop:
 * <ol>
 *   <li>poll;</li>
 *   <li>handle each record: the handler busy-spins {@code --work-us};</li>
 *   <li>commit every N records ({@code commitSync} or {@code commitAsync} of the next offsets
 *       handled), or once per poll batch ({@code batch.nextOffsets()}), or never (the rows
 *       without commits and with auto commit);</li>
 * </ol>
 * for {@code runTime} after its first record ({@link RunClock}: the group join is not what is
 * measured), or to the end of the topic if that comes first. Beside the records per second it
 * measures the largest uncommitted window ({@link UncommittedWindow}, from the commits the
 * client reports done to {@link CommitWatch}) and the latency of each {@code commitSync}.
 */
final class BenchmarkConsumer {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How long a run waits for its first record before it fails. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Strategy strategy;
    private final Config run;
    private final int rep;
    private final long workNanos;
    private final RunClock clock;
    private final UncommittedWindow window;
    private final HandledOffsets next; // what "every N" commits
    private final Latencies syncLatencies = new Latencies();

    private BenchmarkConsumer(KafkaConsumer<byte[], byte[]> consumer, CommitWatch watch, String topic, Config run, int rep,
                              Duration runTime) {
        this.consumer = consumer;
        this.strategy = run.strategy();
        this.run = run;
        this.rep = rep;
        this.workNanos = run.workMicros() * 1000L;
        this.clock = new RunClock(runTime);
        this.window = new UncommittedWindow(watch);
        this.next = new HandledOffsets(topic);
    }

    /** One run of {@code run}'s strategy and handler cost on {@code topic}, which holds {@code topicRecords}. */
    static Measurement consume(KafkaBackend kafka, String topic, int topicRecords, Config run, int rep, Duration runTime) {
        CommitWatch watch = new CommitWatch();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka, run.strategy(), watch));
        try {
            consumer.subscribe(List.of(topic));
            return new BenchmarkConsumer(consumer, watch, topic, run, rep, runTime).read(topicRecords);
        } finally {
            // The run is measured: don't wait for the hundreds of thousands of commitAsync
            // requests "every 1" leaves queued (close() waits up to 30 s for them by default).
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    /** Poll, handle, commit every N (or per batch), until the run's time is up or the topic is read. */
    private Measurement read(int topicRecords) {
        while (window.handled() < topicRecords) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL_TIMEOUT);
            clock.startAtFirstRecord(batch);
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                handle(record);
                if (strategy.commitsEveryN() && window.handled() % strategy.every() == 0) {
                    commit(next.toCommit());
                }
                if (clock.timeIsUp()) { // time-boxed: the run ends even in the middle of a batch
                    return measurement();
                }
            }
            if (strategy.commitsPerBatch() && !batch.isEmpty()) {
                commit(batch.nextOffsets());
            }
            clock.failIfNoRecordYet(strategy);
        }
        return measurement();
    }

    /** The handler's work; then the record counts as handled, and "every N" notes its next offset. */
    private void handle(ConsumerRecord<byte[], byte[]> record) {
        work(workNanos);
        window.recordHandled();
        if (strategy.commitsEveryN()) { // only these rows keep offsets: the others would not pay for it
            next.handled(record);
        }
    }

    /** Commits {@code offsets} the strategy's way; a commitSync's latency goes into {@link #syncLatencies}. */
    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (strategy.mode() == Mode.ASYNC) {
            consumer.commitAsync(offsets, null);
            return;
        }
        long before = System.nanoTime();
        consumer.commitSync(offsets);
        syncLatencies.add(System.nanoTime() - before);
    }

    private Measurement measurement() {
        Measurement.SyncLatency latency = new Measurement.SyncLatency(syncLatencies.percentileMillis(50),
                syncLatencies.percentileMillis(99));
        return new Measurement(run, rep, new Measurement.Throughput(window.handled(), clock.seconds()),
                new Measurement.Commits(window.max(), window.commits(), latency));
    }

    private static Map<String, Object> consumerConfig(KafkaBackend kafka, Strategy strategy, CommitWatch watch) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, "s5-benchmark-" + UUID.randomUUID());
        // A new group has no committed offset: start at the log start, so every run reads the same records.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Only the auto-commit row lets the client commit on its own (every 5 s, auto.commit.interval.ms's default).
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, strategy.mode() == Mode.AUTO);
        // byte[] as kafka-consumer-perf-test reads them: the handler is the only work per record.
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // The uncommitted window needs to know when each commit is done, of every kind: only a consumer
        // interceptor hears them all (onCommit, after a commitSync, a commitAsync or an automatic commit;
        // auto commit has no callback of its own).
        config.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, List.of(CommitWatch.Interceptor.class));
        // The hand-off: Kafka creates the interceptor itself, from its class name, and passes it the
        // consumer's config in configure(), unknown keys included. This key carries this run's watch to it.
        config.put(CommitWatch.CONFIG, watch);
        return config;
    }

    /** The handler: spins for {@code nanos}, as CPU-bound work per record would. */
    private static void work(long nanos) {
        if (nanos > 0) {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The run's clock: it waits up to {@link #RUN_TIMEOUT} for the first record, then runs for
     * {@code runTime} from that record.
     */
    private static final class RunClock {
        private final Duration runTime;
        private long start; // 0 until the first record
        private long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();

        RunClock(Duration runTime) {
            this.runTime = runTime;
        }

        void startAtFirstRecord(ConsumerRecords<?, ?> batch) {
            if (start == 0 && !batch.isEmpty()) {
                start = System.nanoTime();
                deadline = start + runTime.toNanos();
            }
        }

        boolean timeIsUp() {
            return System.nanoTime() >= deadline;
        }

        void failIfNoRecordYet(Strategy strategy) {
            if (start == 0 && System.nanoTime() > deadline) {
                throw new IllegalStateException(strategy.label() + ": no record within " + RUN_TIMEOUT.toSeconds() + " s");
            }
        }

        double seconds() {
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /**
     * Records handled, and the most of them ever handled but not yet covered by a commit the
     * client reported done: what a crash at the worst moment would make the group re-read.
     */
    private static final class UncommittedWindow {
        private final CommitWatch watch;
        private long handled;
        private long max;

        UncommittedWindow(CommitWatch watch) {
            this.watch = watch;
        }

        void recordHandled() {
            handled++;
            max = Math.max(max, handled - watch.committedRecords());
        }

        long handled() {
            return handled;
        }

        long max() {
            return max;
        }

        long commits() {
            return watch.commits();
        }
    }

    /**
     * The next offset per partition of the records handled so far, kept in arrays (no object
     * per record, which the no-commit row would not pay) and turned into offsets to commit
     * only when committing: offset + 1 with the record's leader epoch, as chapter 05's loop does.
     */
    static final class HandledOffsets {
        private final String topic;
        private final long[] next = new long[CommitBenchmark.PARTITIONS];
        private final Integer[] leaderEpochs = new Integer[CommitBenchmark.PARTITIONS];

        HandledOffsets(String topic) {
            this.topic = topic;
        }

        void handled(ConsumerRecord<?, ?> record) {
            next[record.partition()] = record.offset() + 1;
            leaderEpochs[record.partition()] = record.leaderEpoch().orElse(null);
        }

        Map<TopicPartition, OffsetAndMetadata> toCommit() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < CommitBenchmark.PARTITIONS; p++) {
                if (next[p] > 0) {
                    offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(next[p], Optional.ofNullable(leaderEpochs[p]), ""));
                }
            }
            return offsets;
        }
    }

    /** commitSync latencies of one run, in nanoseconds. */
    static final class Latencies {
        private long[] nanos = new long[1024];
        private int count;

        void add(long value) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = value;
        }

        /** The nearest-rank percentile in milliseconds; -1 when nothing was recorded. */
        double percentileMillis(int percentile) {
            if (count == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(percentile / 100.0 * count);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }
    }
}

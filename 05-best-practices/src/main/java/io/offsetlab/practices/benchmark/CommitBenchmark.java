package io.offsetlab.practices.benchmark;

import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.DemoArgs.Option;
import io.offsetlab.lab.DemoArgs.UsageException;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaBackend;
import io.offsetlab.lab.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * §5 what "commit periodically" costs, and what it buys. One consumer reads the same topic on
 * the same broker, committing in each way the chapter discusses: never, auto commit, and
 * {@code commitSync} or {@code commitAsync} every 1, 10, 100 or 1000 records or once per poll
 * batch. Each run is time-boxed ({@code --seconds}, after a warm-up), repeated in rotating
 * order; each records:
 * <ul>
 *   <li>records per second, with a handler that busy-spins {@code --work-us} per record (0:
 *       the commit cost at its most visible; 50: what it costs beside real work);</li>
 *   <li>the largest uncommitted window the run had: records handled but not yet covered by a
 *       committed offset, i.e. what a crash at the worst moment would make the group re-read
 *       (counted when the client reports a commit done, {@link CommitWatch});</li>
 *   <li>the p50 and p99 of {@code commitSync} latency.</li>
 * </ul>
 * Kafka's own {@code kafka-consumer-perf-test} reads the same topic in the same rotation, as
 * the reference for the no-commit row. A benchmark, not a test: the numbers belong in the
 * README beside the machine they came from, never in an assertion.
 */
public final class CommitBenchmark {

    public static final DemoRunner.Spec SPEC = new DemoRunner.Spec("./run benchmark",
            "§5 commit strategies benchmark: throughput and uncommitted window of each way to commit",
            List.of(new Option("--seconds", "S", "length of each timed run, after the first record (default 2)"),
                    new Option("--reps", "R", "repetitions of every row, in rotating order (default 5)"),
                    new Option("--work-us", "LIST", "handler cost per record in microseconds, busy-spun (default 0,50)"),
                    new Option("--records", "N", "records in the topic: enough for the fastest run (default 16000000)"),
                    new Option("--csv", "FILE", "where to write one line per run (default commit-benchmark.csv)"),
                    new Option("--chart", "FILE", "also draw throughput and uncommitted window against the interval (PNG)")),
            Map.of(), List.of()).checkingOptions(Settings::of);

    static final int PARTITIONS = 3;
    static final int RECORD_BYTES = 100;
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    /** How a run commits. */
    public enum Mode { PERF_TOOL, NONE, AUTO, SYNC, ASYNC }

    /** A way to commit: {@code every} records (0: once per poll batch) for SYNC and ASYNC. */
    public record Strategy(Mode mode, int every) {

        static final int PER_BATCH = 0;

        /** The rows of every run, in the table's order; the reference first. */
        static final List<Strategy> ALL = all();

        private static List<Strategy> all() {
            List<Strategy> all = new ArrayList<>(List.of(new Strategy(Mode.PERF_TOOL, 0), new Strategy(Mode.NONE, 0),
                    new Strategy(Mode.AUTO, 0)));
            for (Mode mode : List.of(Mode.SYNC, Mode.ASYNC)) {
                for (int every : List.of(1, 10, 100, PER_BATCH, 1000)) { // a poll batch holds up to 500
                    all.add(new Strategy(mode, every));
                }
            }
            return List.copyOf(all);
        }

        boolean commitsByHand() {
            return mode == Mode.SYNC || mode == Mode.ASYNC;
        }

        /** "1", "10", ..., "batch": the chart's x axis; "-" without a commit interval. */
        String interval() {
            return !commitsByHand() ? "-" : every == PER_BATCH ? "batch" : String.valueOf(every);
        }

        String label() {
            return switch (mode) {
                case PERF_TOOL -> "kafka perf tool (ref.)";
                case NONE -> "no commit";
                case AUTO -> "auto commit (5 s)";
                case SYNC, ASYNC -> (mode == Mode.SYNC ? "commitSync " : "commitAsync ")
                        + (every == PER_BATCH ? "per batch" : "every " + every);
            };
        }

        /** The CSV's name for it: SYNC_EVERY_100, ASYNC_PER_BATCH, NONE, PERF_TOOL. */
        String id() {
            return !commitsByHand() ? mode.name() : mode + (every == PER_BATCH ? "_PER_BATCH" : "_EVERY_" + every);
        }
    }

    /** One timed run; maxUncommitted and the latencies are -1 where not measured. */
    public record Measurement(Strategy strategy, int workMicros, int rep, long records, double seconds,
                              long maxUncommitted, long commits, double commitP50Millis, double commitP99Millis) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    public static void main(String[] args) {
        DemoRunner.main(SPEC, args, CommitBenchmark::run);
    }

    /** The options, checked before any broker starts (a {@link UsageException} names a bad one). */
    record Settings(Duration runTime, int reps, List<Integer> workLevels, int records, Path csv, String chart) {
        static Settings of(DemoArgs args) {
            return new Settings(Duration.ofMillis(Math.round(1000 * args.positiveNumber("--seconds", 2, 600))),
                    args.positiveInt("--reps", 5), CommitBenchmark.workLevels(args.option("--work-us", "0,50")),
                    args.positiveInt("--records", 16_000_000), Path.of(args.option("--csv", "commit-benchmark.csv")),
                    args.option("--chart", null));
        }
    }

    public static void run(KafkaBackend kafka, DemoArgs args, PrintStream out) throws Exception {
        Settings settings = Settings.of(args);
        Duration runTime = settings.runTime();
        int reps = settings.reps();
        List<Integer> workLevels = settings.workLevels();
        int records = settings.records();
        String topic = "s5-benchmark-" + UUID.randomUUID().toString().substring(0, 8);
        List<Config> configs = configs(workLevels);
        out.printf("§5 commit benchmark on %s%n", kafka.description());
        out.printf("one consumer, byte[] records of %d bytes on %d partitions (%,d in the topic), max.poll.records=500;%n"
                + "%d rows x %d repetitions in rotating order, each run %.1f s after its first record, after a warm-up%n%n",
                RECORD_BYTES, PARTITIONS, records, configs.size(), reps, runTime.toMillis() / 1000.0);
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            produce(kafka, admin, topic, records);
            try {
                List<Measurement> measurements = measure(kafka, topic, records, configs, reps, runTime, out);
                report(measurements, settings, out, List.of(String.format("%,d records of %d bytes on %d partitions, runs of %.1f s,"
                        + " %d repetitions in rotating order", records, RECORD_BYTES, PARTITIONS, runTime.toMillis() / 1000.0, reps),
                        kafka.description()));
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(); // leave the cluster as we found it
            }
        }
    }

    /** One row of the table: a strategy at a handler cost. */
    record Config(Strategy strategy, int workMicros) {
    }

    /** Every strategy at every work level; the reference only once (its handler does no work). */
    public static List<Config> configs(List<Integer> workLevels) {
        List<Config> configs = new ArrayList<>();
        for (int work : workLevels) {
            for (Strategy strategy : Strategy.ALL) {
                if (strategy.mode() != Mode.PERF_TOOL || work == workLevels.get(0)) {
                    configs.add(new Config(strategy, work));
                }
            }
        }
        return configs;
    }

    private static List<Measurement> measure(KafkaBackend kafka, String topic, int records, List<Config> configs, int reps,
                                             Duration runTime, PrintStream out) throws Exception {
        for (Config config : configs) { // warm-up: JIT, connections, the broker's page cache
            if (config.strategy().mode() != Mode.PERF_TOOL && config.workMicros() == 0) {
                consume(kafka, topic, records, config, 0, runTime.compareTo(WARM_UP) < 0 ? runTime : WARM_UP);
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        for (int rep = 1; rep <= reps; rep++) {
            for (int i = 0; i < configs.size(); i++) {
                Config config = configs.get((i + rep - 1) % configs.size()); // rotate: no row always runs first
                Measurement m = config.strategy().mode() == Mode.PERF_TOOL
                        ? KafkaPerfTool.consume(kafka, topic, records, rep)
                        : consume(kafka, topic, records, config, rep, runTime);
                measurements.add(m);
                out.printf("  rep %d  %-24s %3d us %,12.0f records/s in %.1f s%n", rep, m.strategy().label(), m.workMicros(),
                        m.recordsPerSecond(), m.seconds());
                if (m.records() >= records && m.strategy().mode() != Mode.PERF_TOOL) { // the tool reads it all by design
                    out.printf("  (read the whole topic before %.1f s: raise --records)%n", runTime.toMillis() / 1000.0);
                }
            }
        }
        return measurements;
    }

    private static void report(List<Measurement> measurements, Settings settings, PrintStream out, List<String> subtitle)
            throws Exception {
        List<BenchmarkReport.Summary> summaries = BenchmarkReport.summarize(measurements);
        out.println();
        out.print(BenchmarkReport.tables(summaries));
        BenchmarkReport.writeCsv(settings.csv(), measurements);
        out.println();
        out.println("one line per run: " + settings.csv().toAbsolutePath());
        if (settings.chart() != null) {
            BenchmarkChart.write(Path.of(settings.chart()), summaries, subtitle);
            out.println("chart: " + Path.of(settings.chart()).toAbsolutePath());
        }
    }

    private static void produce(KafkaBackend kafka, Admin admin, String topic, int records) throws Exception {
        Topics.create(admin, new NewTopic(topic, PARTITIONS, (short) 1));
        Map<String, Object> config = ClientConfigs.producer(kafka);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20); // big batches: filling the topic is not what is measured
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            byte[] value = new byte[RECORD_BYTES];
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            }
            producer.flush();
        }
    }

    /**
     * A new group reads the topic from the start with the config's strategy and handler cost,
     * for {@code runTime} after its first record (the group join is not what is measured), or
     * to the end of the topic if that comes first.
     */
    static Measurement consume(KafkaBackend kafka, String topic, int topicRecords, Config run, int rep, Duration runTime) {
        Strategy strategy = run.strategy();
        CommitWatch watch = new CommitWatch();
        Latencies syncLatencies = new Latencies();
        long handled = 0;
        long maxUncommitted = 0;
        long workNanos = run.workMicros() * 1000L;
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka, strategy, watch));
        try {
            consumer.subscribe(List.of(topic));
            HandledOffsets next = new HandledOffsets(topic); // what "every N" commits
            long start = 0;
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            reading:
            while (handled < topicRecords) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (start == 0 && !batch.isEmpty()) {
                    start = System.nanoTime();
                    deadline = start + runTime.toNanos();
                }
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    work(workNanos);
                    handled++;
                    maxUncommitted = Math.max(maxUncommitted, handled - watch.committedRecords());
                    if (strategy.commitsByHand() && strategy.every() != Strategy.PER_BATCH) {
                        next.handled(record);
                        if (handled % strategy.every() == 0) {
                            commit(consumer, strategy, next.toCommit(), syncLatencies);
                        }
                    }
                    if (System.nanoTime() >= deadline) {
                        break reading;
                    }
                }
                if (strategy.commitsByHand() && strategy.every() == Strategy.PER_BATCH && !batch.isEmpty()) {
                    commit(consumer, strategy, batch.nextOffsets(), syncLatencies);
                }
                if (start == 0 && System.nanoTime() > deadline) {
                    throw new IllegalStateException(strategy.label() + ": no record within " + RUN_TIMEOUT.toSeconds() + " s");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement(strategy, run.workMicros(), rep, handled, seconds, maxUncommitted, watch.commits(),
                    syncLatencies.percentileMillis(50), syncLatencies.percentileMillis(99));
        } finally {
            // The run is measured: don't wait for the hundreds of thousands of commitAsync
            // requests "every 1" leaves queued (close() waits up to 30 s for them by default).
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    private static Map<String, Object> consumerConfig(KafkaBackend kafka, Strategy strategy, CommitWatch watch) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, "s5-benchmark-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, strategy.mode() == Mode.AUTO);
        // byte[] as kafka-consumer-perf-test reads them: the handler is the only work per record.
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, List.of(CommitWatch.Interceptor.class));
        config.put(CommitWatch.CONFIG, watch);
        return config;
    }

    /** Commits {@code offsets} the strategy's way; a commitSync's latency goes into {@code syncLatencies}. */
    private static void commit(KafkaConsumer<byte[], byte[]> consumer, Strategy strategy, Map<TopicPartition, OffsetAndMetadata> offsets,
                               Latencies syncLatencies) {
        if (strategy.mode() == Mode.ASYNC) {
            consumer.commitAsync(offsets, null);
            return;
        }
        long before = System.nanoTime();
        consumer.commitSync(offsets);
        syncLatencies.add(System.nanoTime() - before);
    }

    /**
     * The next offset per partition of the records handled so far, kept in arrays (no object
     * per record, which the no-commit row would not pay) and turned into offsets to commit
     * only when committing: offset + 1 with the record's leader epoch, as chapter 05's loop does.
     */
    static final class HandledOffsets {
        private final String topic;
        private final long[] next = new long[PARTITIONS];
        private final Integer[] leaderEpochs = new Integer[PARTITIONS];

        HandledOffsets(String topic) {
            this.topic = topic;
        }

        void handled(ConsumerRecord<?, ?> record) {
            next[record.partition()] = record.offset() + 1;
            leaderEpochs[record.partition()] = record.leaderEpoch().orElse(null);
        }

        Map<TopicPartition, OffsetAndMetadata> toCommit() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
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

    /** The handler: spins for {@code nanos}, as CPU-bound work per record would. */
    private static void work(long nanos) {
        if (nanos > 0) {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    static List<Integer> workLevels(String text) {
        List<Integer> levels = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int micros = Integer.parseInt(part.trim());
                if (micros >= 0 && micros <= 1_000_000 && !levels.contains(micros)) {
                    levels.add(micros);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException("--work-us takes microseconds per record, 0 or more, separated by commas"
                    + " (e.g. 0,50), got '" + text + "'");
        }
        return levels;
    }
}

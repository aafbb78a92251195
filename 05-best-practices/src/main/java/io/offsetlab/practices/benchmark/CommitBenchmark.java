package io.offsetlab.practices.benchmark;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.run.UsageException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Each run is one {@link BenchmarkConsumer}: poll, handle, commit every N. Kafka's own
 * {@code kafka-consumer-perf-test} reads the same topic in the same rotation, as the reference
 * for the no-commit row ({@link KafkaPerfTool}). A benchmark, not a test: the numbers belong in the
 * README beside the machine they came from, never in an assertion.
 */
public final class CommitBenchmark {

    public static final Runner RUNNER = Runner.demo("./run benchmark", CommitBenchmark::run)
            .describe("§5 commit strategies benchmark: throughput and uncommitted window of each way to commit")
            .option("--seconds", "S", "length of each timed run, after the first record (default 2)")
            .option("--reps", "R", "repetitions of every row, in rotating order (default 5)")
            .option("--work-us", "LIST", "handler cost per record in microseconds, busy-spun (default 0,50)")
            .option("--records", "N", "records in the topic: enough for the fastest run (default 16000000)")
            .option("--rows", "LIST", "only these rows, by their CSV names (e.g. NONE,SYNC_EVERY_100; default all)")
            .option("--csv", "FILE", "where to write one line per run (default commit-benchmark.csv)")
            .option("--chart", "FILE", "also draw throughput and uncommitted window against the interval (PNG)")
            .checkOptions(Settings::of);

    static final int PARTITIONS = 3;
    static final int RECORD_BYTES = 100;
    private static final Duration WARM_UP = Duration.ofMillis(500);

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

        /** Commits every {@code every} records, inside the loop over a batch. */
        boolean commitsEveryN() {
            return commitsByHand() && every != PER_BATCH;
        }

        /** Commits once per poll batch, after handling it. */
        boolean commitsPerBatch() {
            return commitsByHand() && every == PER_BATCH;
        }

        /** "1", "10", ..., "batch": the chart's x axis; "-" without a commit interval. */
        public String interval() {
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
        public String id() {
            return !commitsByHand() ? mode.name() : mode + (every == PER_BATCH ? "_PER_BATCH" : "_EVERY_" + every);
        }
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    /** The options, checked before any broker starts (a {@link UsageException} names a bad one). */
    record Settings(Duration runTime, int reps, List<Integer> workLevels, List<Strategy> rows, int records, Path csv,
                    String chart) {
        static Settings of(Arguments args) {
            return new Settings(Duration.ofMillis(Math.round(1000 * args.positiveNumber("--seconds", 2, 600))),
                    args.positiveInt("--reps", 5), CommitBenchmark.workLevels(args.option("--work-us", "0,50")),
                    CommitBenchmark.rows(args.option("--rows", null)), args.positiveInt("--records", 16_000_000),
                    Path.of(args.option("--csv", "commit-benchmark.csv")), args.option("--chart", null));
        }
    }

    public static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        Settings settings = Settings.of(args);
        Duration runTime = settings.runTime();
        int reps = settings.reps();
        List<Integer> workLevels = settings.workLevels();
        int records = settings.records();
        String topic = "s5-benchmark-" + UUID.randomUUID().toString().substring(0, 8);
        List<Config> configs = configs(workLevels, settings.rows());
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

    /** Each of {@code rows} at every work level; the reference only once (its handler does no work). */
    public static List<Config> configs(List<Integer> workLevels, List<Strategy> rows) {
        List<Config> configs = new ArrayList<>();
        for (int work : workLevels) {
            for (Strategy strategy : rows) {
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
                BenchmarkConsumer.consume(kafka, topic, records, config, 0, runTime.compareTo(WARM_UP) < 0 ? runTime : WARM_UP);
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        for (int rep = 1; rep <= reps; rep++) {
            for (int i = 0; i < configs.size(); i++) {
                Config config = configs.get((i + rep - 1) % configs.size()); // rotate: no row always runs first
                Measurement m = config.strategy().mode() == Mode.PERF_TOOL
                        ? KafkaPerfTool.consume(kafka, topic, records, rep)
                        : BenchmarkConsumer.consume(kafka, topic, records, config, rep, runTime);
                measurements.add(m);
                out.printf("  rep %d  %-24s %3d us %,12.0f records/s in %.1f s%n", rep, m.run().strategy().label(),
                        m.run().workMicros(), m.recordsPerSecond(), m.throughput().seconds());
                boolean readItAll = m.throughput().records() >= records;
                if (readItAll && m.run().strategy().mode() != Mode.PERF_TOOL) { // the tool reads it all by design
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
        // Raw bytes and no key: the benchmark's consumer reads byte[], as kafka-consumer-perf-test does.
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // Big batches, waited for up to 20 ms: filling the topic is not what is measured.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            byte[] value = new byte[RECORD_BYTES];
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            }
            producer.flush();
        }
    }

    /** The strategies named in {@code text} by their CSV names, in the table's order; all of them for null. */
    static List<Strategy> rows(String text) {
        if (text == null) {
            return Strategy.ALL;
        }
        List<String> names = List.of(text.strip().toUpperCase(Locale.ROOT).split("\\s*,\\s*"));
        List<String> known = Strategy.ALL.stream().map(Strategy::id).toList();
        if (names.stream().allMatch(String::isEmpty)) {
            throw new UsageException("--rows takes row names from the CSV, separated by commas (" + String.join(",", known)
                    + "), got none");
        }
        for (String name : names) {
            if (!known.contains(name)) {
                throw new UsageException("--rows takes row names from the CSV, separated by commas (" + String.join(",", known)
                        + "), got '" + name + "'");
            }
        }
        return Strategy.ALL.stream().filter(s -> names.contains(s.id())).toList();
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

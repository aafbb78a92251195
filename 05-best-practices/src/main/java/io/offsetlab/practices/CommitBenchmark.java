package io.offsetlab.practices;

import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.DemoArgs.Option;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaBackend;
import io.offsetlab.lab.TextTable;
import io.offsetlab.lab.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * §5 what "commit periodically" costs: records per second of one consumer reading the same
 * topic on the same broker with each commit strategy, a no-op handler (so the numbers are the
 * commit overhead at its most visible), several repetitions in rotating order. Prints a table
 * (median, min, max) and writes every measurement to a CSV; {@code --chart} also draws a PNG.
 *
 * <p>A benchmark, not a test: numbers depend on the machine and the broker, and belong in
 * the README beside the machine they came from, not in an assertion.
 */
public final class CommitBenchmark {

    static final DemoRunner.Spec SPEC = new DemoRunner.Spec("./run benchmark",
            "§5 commit strategies benchmark: records/s for each way to commit, on one topic and broker",
            List.of(new Option("--records", "N", "records per run (default 200000)"),
                    new Option("--per-record-limit", "N", "commitSync-per-record runs read only the first N (default 10000)"),
                    new Option("--reps", "R", "repetitions of every strategy (default 5)"),
                    new Option("--csv", "FILE", "where to write every measurement (default commit-benchmark.csv)"),
                    new Option("--chart", "FILE", "also draw the medians as a PNG chart")),
            Map.of(), List.of());

    static final int PARTITIONS = 3;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    /** How a run commits; each is a few lines in {@link #consume}. */
    public enum Strategy {
        NO_COMMIT("no commit (ceiling)"),
        AUTO_COMMIT("auto commit (5 s)"),
        SYNC_PER_RECORD("commitSync per record"),
        SYNC_EVERY_100("commitSync every 100"),
        SYNC_PER_BATCH("commitSync per poll batch"),
        ASYNC_PER_BATCH("commitAsync per poll batch");

        final String label;

        Strategy(String label) {
            this.label = label;
        }
    }

    /** One timed run. */
    public record Measurement(Strategy strategy, int rep, int records, double seconds) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    /** Median, min and max of one strategy's records/s. */
    public record Summary(Strategy strategy, double median, double min, double max) {
    }

    public static void main(String[] args) {
        DemoRunner.main(SPEC, args, CommitBenchmark::run);
    }

    static void run(KafkaBackend kafka, DemoArgs args, PrintStream out) throws Exception {
        int records = args.positiveInt("--records", 200_000);
        int perRecordLimit = Math.min(records, args.positiveInt("--per-record-limit", 10_000));
        int reps = args.positiveInt("--reps", 5);
        Path csv = Path.of(args.option("--csv", "commit-benchmark.csv"));
        String topic = "s5-benchmark-" + UUID.randomUUID().toString().substring(0, 8);
        out.printf("one consumer, %d records of 100 bytes on %d partitions (commitSync per record: the first %d),"
                + " max.poll.records=500 (default), a no-op handler;%none warm-up run, then %d repetitions per strategy"
                + " in rotating order%n%n", records, PARTITIONS, perRecordLimit, reps);
        produce(kafka, topic, records);
        for (Strategy strategy : Strategy.values()) { // warm-up: JIT, connections, the broker's page cache
            consume(kafka, topic, strategy == Strategy.SYNC_PER_RECORD ? Math.min(perRecordLimit, 1000) : records, strategy);
        }

        List<Measurement> measurements = new ArrayList<>();
        Strategy[] strategies = Strategy.values();
        for (int rep = 1; rep <= reps; rep++) {
            for (int i = 0; i < strategies.length; i++) {
                Strategy strategy = strategies[(i + rep - 1) % strategies.length];
                int count = strategy == Strategy.SYNC_PER_RECORD ? perRecordLimit : records;
                double seconds = consume(kafka, topic, count, strategy);
                measurements.add(new Measurement(strategy, rep, count, seconds));
                out.printf("  rep %d  %-28s %,12.0f records/s%n", rep, strategy.label, count / seconds);
            }
        }
        List<Summary> summaries = summarize(measurements);
        out.println();
        out.print(table(summaries));
        writeCsv(csv, measurements);
        out.println();
        out.println("every measurement: " + csv.toAbsolutePath());
        String chart = args.option("--chart", null);
        if (chart != null) {
            BenchmarkChart.write(Path.of(chart), summaries, String.format(Locale.ROOT,
                    "%,d records per run (commitSync per record: the first %,d), %d repetitions; bar = median, line = min..max",
                    records, perRecordLimit, reps));
            out.println("chart: " + Path.of(chart).toAbsolutePath());
        }
    }

    private static void produce(KafkaBackend kafka, String topic, int records) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka));
             KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            Topics.create(admin, new NewTopic(topic, PARTITIONS, (short) 1));
            String value = "x".repeat(100);
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            }
            producer.flush();
        }
    }

    /**
     * A new group reads the first {@code records} records of the topic with {@code strategy};
     * returns the seconds from the first records returned (after the group join, which is not
     * what is measured) to the last one handled and, for synchronous strategies, committed.
     */
    static double consume(KafkaBackend kafka, String topic, int records, Strategy strategy) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, "s5-benchmark-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, strategy == Strategy.AUTO_COMMIT);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long start = 0;
            int handled = 0;
            Map<TopicPartition, OffsetAndMetadata> handledOffsets = new HashMap<>(); // what "every 100" commits
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            while (handled < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(strategy + ": read " + handled + " of " + records + " in " + RUN_TIMEOUT.toMinutes() + " min");
                }
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
                if (start == 0 && !batch.isEmpty()) {
                    start = System.nanoTime();
                }
                for (ConsumerRecord<String, String> record : batch) {
                    handled++; // the "work": none, so what remains is the commit cost
                    if (strategy == Strategy.SYNC_PER_RECORD) {
                        consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), "")));
                    } else if (strategy == Strategy.SYNC_EVERY_100) {
                        handledOffsets.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
                        if (handled % 100 == 0) {
                            consumer.commitSync(handledOffsets);
                        }
                    }
                }
                if (!batch.isEmpty() && strategy == Strategy.SYNC_PER_BATCH) {
                    consumer.commitSync(batch.nextOffsets());
                } else if (!batch.isEmpty() && strategy == Strategy.ASYNC_PER_BATCH) {
                    consumer.commitAsync(batch.nextOffsets(), null);
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    static List<Summary> summarize(List<Measurement> measurements) {
        List<Summary> summaries = new ArrayList<>();
        for (Strategy strategy : Strategy.values()) {
            double[] rates = measurements.stream().filter(m -> m.strategy() == strategy)
                    .mapToDouble(Measurement::recordsPerSecond).sorted().toArray();
            if (rates.length > 0) {
                summaries.add(new Summary(strategy, median(rates), rates[0], rates[rates.length - 1]));
            }
        }
        return summaries;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String table(List<Summary> summaries) {
        double ceiling = summaries.stream().filter(s -> s.strategy() == Strategy.NO_COMMIT).mapToDouble(Summary::median)
                .findFirst().orElse(Double.NaN);
        double perRecord = summaries.stream().filter(s -> s.strategy() == Strategy.SYNC_PER_RECORD).mapToDouble(Summary::median)
                .findFirst().orElse(Double.NaN);
        TextTable table = new TextTable("STRATEGY", "MEDIAN REC/S", "MIN", "MAX", "OF CEILING", "X PER-RECORD");
        for (Summary s : summaries) {
            table.row(s.strategy().label, whole(s.median()), whole(s.min()), whole(s.max()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * s.median() / ceiling),
                    String.format(Locale.ROOT, "%.1f", s.median() / perRecord));
        }
        return table.render();
    }

    private static String whole(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static void writeCsv(Path csv, List<Measurement> measurements) throws IOException {
        List<String> lines = new ArrayList<>(List.of("strategy,rep,records,seconds,records_per_second"));
        for (Measurement m : measurements) {
            lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.1f", m.strategy(), m.rep(), m.records(), m.seconds(), m.recordsPerSecond()));
        }
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(csv, lines);
    }
}

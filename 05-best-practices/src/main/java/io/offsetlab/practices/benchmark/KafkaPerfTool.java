package io.offsetlab.practices.benchmark;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.practices.benchmark.CommitBenchmark.Config;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import io.offsetlab.practices.benchmark.CommitBenchmark.Strategy;
import io.offsetlab.practices.tools.KafkaTools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's reference row: Kafka's own {@code kafka-consumer-perf-test}
 * (ConsumerPerformance) reading the same topic from the same broker. It reads byte[] records
 * with Kafka's default consumer settings, except a 2 MiB socket receive buffer and
 * {@code check.crcs=false}, and, with {@code enable.auto.commit} left at its default, it commits
 * automatically. Its {@code fetch.nMsg.sec} is records over the time from start to end minus
 * the group join.
 */
final class KafkaPerfTool {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** The header's names of the two columns the measurement takes. */
    static final String RECORDS = "data.consumed.in.nMsg";
    static final String FETCH_MILLIS = "fetch.time.ms";
    /** Its row: the reference, whose handler does no work of ours (work 0), whatever the work level of the rows beside it. */
    private static final Config REFERENCE = new Config(new Strategy(Mode.PERF_TOOL, 0), 0);

    private KafkaPerfTool() {
    }

    /** Reads all {@code records} of {@code topic} with a new group; the measurement is the tool's own. */
    static Measurement consume(KafkaBackend kafka, String topic, int records, int rep) {
        List<String> args = new ArrayList<>(kafka.commandLine()); // the tool takes --bootstrap-server and --command-config too
        args.addAll(List.of("--topic", topic, "--num-records", String.valueOf(records),
                "--group", "s5-benchmark-perf-" + UUID.randomUUID())); // with its header: parse() reads columns by name
        try (ChildJvm tool = KafkaTools.start(KafkaTools.CONSUMER_PERF_TEST, args.toArray(String[]::new))) {
            int exit = tool.waitFor(TIMEOUT);
            String output = tool.output();
            if (exit != 0) {
                throw new IllegalStateException("kafka-consumer-perf-test exited with " + exit + ":\n" + output);
            }
            return parse(output, rep);
        }
    }

    /**
     * The tool's result, read by column name from its header (ConsumerPerformance.printHeader,
     * kafka-tools 4.x): {@code start.time, end.time, data.consumed.in.MB, MB.sec,
     * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec,
     * fetch.nMsg.sec}; the first line below it with as many fields holds the values, in that order. The measurement takes
     * the records read and the fetch time, which leaves out the group join.
     */
    static Measurement parse(String output, int rep) {
        List<String> lines = output.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            List<String> header = List.of(lines.get(i).split(",\\s*"));
            if (header.contains(RECORDS) && header.contains(FETCH_MILLIS)) {
                for (String line : lines.subList(i + 1, lines.size())) { // the first row below it (a log line may come between)
                    String[] values = line.split(",\\s*");
                    if (values.length == header.size() && values[header.indexOf(RECORDS)].matches("\\d+")
                            && values[header.indexOf(FETCH_MILLIS)].matches("\\d+")) {
                        long consumed = Long.parseLong(values[header.indexOf(RECORDS)]);
                        double fetchSeconds = Long.parseLong(values[header.indexOf(FETCH_MILLIS)]) / 1000.0;
                        return new Measurement(REFERENCE, rep, new Measurement.Throughput(consumed, fetchSeconds),
                                Measurement.Commits.NOT_MEASURED);
                    }
                }
            }
        }
        throw new IllegalStateException("no result line under a header with " + RECORDS + " and " + FETCH_MILLIS
                + " in kafka-consumer-perf-test's output:\n" + output);
    }
}

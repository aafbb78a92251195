package io.offsetlab.practices;

import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.ExternalCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * §5: the {@link CommittingLoop} (every 100, on revocation, on shutdown) in a JVM of its own,
 * so that whoever started it sees what it did and what its Kafka client went through while a
 * broker dies:
 * <ul>
 *   <li>each processed record as a "partition offset" line in LOG_FILE (written at once, so it
 *       survives anything but the machine);</li>
 *   <li>"committed STARTED DONE REASON" on stdout after every commit that succeeded: when
 *       commitSync was called and when it returned, in epoch milliseconds;</li>
 *   <li>the client's own INFO lines about its group coordinator ("Group coordinator ... is
 *       unavailable", "Discovered group coordinator ...", "Offset commit failed ...").</li>
 * </ul>
 * SIGTERM stops it the clean way: wakeup, the last commit, close.
 *
 * <pre>LoopConsumer --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP PROTOCOL LOG_FILE</pre>
 */
public final class LoopConsumer {

    private LoopConsumer() {
    }

    public static void main(String[] args) throws Exception {
        // The coordinator's comings and goings are INFO lines of the consumer's internals.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals", "info");
        ExternalCluster.CommandLine commandLine = ExternalCluster.CommandLine.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP PROTOCOL LOG_FILE
        try (OutputStream processed = new FileOutputStream(Path.of(rest.get(3)).toFile(), true)) {
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config(commandLine.cluster(), rest.get(1), rest.get(2)));
            CommittingLoop loop = new CommittingLoop(consumer, List.of(rest.get(0)), RebalanceScenario.COMMIT_EVERY, true,
                    record -> write(processed, record.partition() + " " + record.offset()),
                    (reason, offsets, started) -> System.out.println("committed " + started + " " + System.currentTimeMillis()
                            + " " + reason));
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                loop.shutdown(); // SIGTERM: the loop commits what it processed, closes, and run() returns
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            loop.run();
        }
    }

    static Map<String, Object> config(ExternalCluster kafka, String group, String protocol) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // the loop commits
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    private static void write(OutputStream out, String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "partition offset" lines a LoopConsumer wrote, one per processed record. */
    static List<String> processed(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.ProcessedLog;
import io.offsetlab.lab.run.ClusterArgs;
import io.offsetlab.lab.run.KafkaLogLines;
import io.offsetlab.lab.run.Report;
import io.offsetlab.practices.commit.CommittingLoop;
import io.offsetlab.practices.commit.RebalanceScenario;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * §5: the {@link CommittingLoop} (every 100, on revocation, on shutdown) in a JVM of its own,
 * so that whoever started it sees what it did and what its Kafka client went through while a
 * broker dies:
 * <ul>
 *   <li>each processed record as a "partition offset" line in LOG_FILE (a {@link ProcessedLog});</li>
 *   <li>{@code @lab committed done=D reason=R started=S} (a {@link Report}) after every commit
 *       that succeeded: when commitSync was called (S) and when it returned (D), in epoch
 *       milliseconds;</li>
 *   <li>the client's own INFO lines about its group coordinator ("Group coordinator ... is
 *       unavailable", "Discovered group coordinator ...", "Offset commit failed ..."): only its
 *       log tells, and {@link KafkaLogLines} reads them.</li>
 * </ul>
 * SIGTERM stops it the clean way: wakeup, the last commit, close.
 *
 * <pre>LoopConsumer --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP PROTOCOL LOG_FILE</pre>
 */
public final class LoopConsumer {

    /** Reported after every commit that succeeded (fields started, done, reason). */
    static final String COMMITTED = "committed";

    private LoopConsumer() {
    }

    public static void main(String[] args) throws Exception {
        KafkaLogLines.logCoordinatorLines(); // the coordinator's comings and goings are INFO lines of the consumer's internals
        ClusterArgs commandLine = ClusterArgs.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP PROTOCOL LOG_FILE
        try (ProcessedLog processed = ProcessedLog.appendTo(Path.of(rest.get(3)))) {
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config(commandLine.cluster(), rest.get(1), rest.get(2)));
            CommittingLoop loop = new CommittingLoop(consumer, List.of(rest.get(0)), RebalanceScenario.COMMIT_EVERY, true,
                    processed::processed,
                    (reason, offsets, started) -> Report.emit(COMMITTED,
                            Map.of("started", started, "done", System.currentTimeMillis(), "reason", reason)));
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
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic or consumer: each finds its coordinator anew
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // the loop commits
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group: every record written is processed
        return config;
    }

}

package io.offsetlab.lab.broker;

import io.offsetlab.lab.broker.BrokerMain.ServeArgs;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The lab's multi-node cluster: {@code --brokers} real Kafka {@value LabBrokerConfig#KAFKA_VERSION}
 * nodes on 127.0.0.1, one process each, until Ctrl-C. Any client can use it. While it runs,
 * commands typed on its terminal fail a node on purpose: {@code kill N} (SIGKILL, like a
 * crash), {@code wipe N} (its data gone, like a lost disk), {@code start N}.
 *
 * <pre>./run cluster [--brokers 3] [--port 9092] [--data-dir DIR] [--defaults] [--sasl]</pre>
 */
public final class ClusterMain {

    /** Three nodes: the smallest cluster that survives the loss of one. */
    static final int DEFAULT_NODES = 3;

    static final Runner RUNNER = Runner.local("./run cluster", ClusterMain::start)
            .describe("Runs a KRaft cluster of Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + " nodes on 127.0.0.1 until"
                    + " Ctrl-C, one process per node, each a broker and a controller.")
            .option(BrokerMain.BROKERS, "N", "how many nodes (default 3: the cluster then survives one loss)")
            .option(BrokerMain.PORT, "PORT", "the first node's client port; the others follow (default 9092)")
            .option(BrokerMain.DATA_DIR, "DIR", "keep the nodes' data in DIR, so a restart keeps topics and offsets"
                    + " (default: a temporary directory, deleted on exit)")
            .flag(BrokerMain.DEFAULTS, "Kafka's default settings instead of the lab's short ones")
            .flag(BrokerMain.SASL, "secured: SASL_PLAINTEXT with PLAIN, ACLs, a super user and an ordinary user,"
                    + " as ./run broker --sasl")
            .checkOptions(args -> ServeArgs.of(args, DEFAULT_NODES))
            .helpFooter("""
                    While it runs, type a command and Enter:
                      kill N   kill node N the hard way (SIGKILL: no controlled shutdown, like a crash)
                      wipe N   delete the data of killed node N (its partitions, like a lost disk)
                      start N  start node N again
                    """);

    private ClusterMain() {
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    private static int start(Arguments args, PrintStream out, PrintStream err) {
        ServeArgs parsed = ServeArgs.of(args, DEFAULT_NODES);
        if (parsed.portInUse() != null) {
            err.println("cluster: " + parsed.portInUse());
            return Runner.FAILED;
        }
        int nodes = parsed.brokers();
        Map<String, String> settings = parsed.kafkaDefaults() ? LabBrokerConfig.kafkaDefaults(nodes) : LabBrokerConfig.forNodes(nodes);
        return serve(new KafkaCluster.Options(nodes, parsed.port(), parsed.dataDir(), settings,
                parsed.sasl() ? SaslUsers.random() : null), parsed.kafkaDefaults());
    }

    private static int serve(KafkaCluster.Options options, boolean kafkaDefaults) {
        System.out.println("Starting a " + options.nodes() + "-node Apache Kafka " + LabBrokerConfig.KAFKA_VERSION
                + " cluster (KRaft, one process per node) on 127.0.0.1 ...");
        KafkaCluster cluster;
        try {
            cluster = KafkaCluster.start(options);
        } catch (RuntimeException e) {
            System.err.println("cluster: could not start: " + e.getMessage());
            return Runner.FAILED;
        }
        // Ctrl-C (SIGINT) and kill (SIGTERM): stop every node cleanly, then delete a temporary data dir.
        CountDownLatch stopped = BrokerMain.stopOnShutdown("cluster", () -> {
            cluster.stop();
            cluster.close();
        });
        System.out.printf("Ready in %.1f s.%n", cluster.startMillis() / 1000.0);
        System.out.println("bootstrap.servers=" + cluster.bootstrapServers());
        status(cluster);
        BrokerMain.describe(cluster.dataDir(), options.dataDir() == null, kafkaDefaults ? "Kafka's defaults" : null);
        if (options.sasl() == null) {
            System.out.println("Try:  kcat -b " + cluster.bootstrapServers() + " -L");
        } else {
            BrokerMain.printUsers(cluster.bootstrapServers(), cluster.dataDir());
        }
        System.out.println("Type kill N, wipe N, start N or status, then Enter. Press Ctrl-C to stop.");
        Thread commands = new Thread(() -> readCommands(cluster), "cluster-commands");
        commands.setDaemon(true); // stdin may stay open; it must not keep the JVM alive
        commands.start();
        return BrokerMain.awaitStop(stopped);
    }

    private static void status(KafkaCluster cluster) {
        for (int id : cluster.nodeIds()) {
            System.out.println("  node " + id + "  " + cluster.address(id) + "  "
                    + (cluster.isRunning(id) ? "pid " + cluster.pid(id) : "down"));
        }
    }

    /** kill N, wipe N, start N, status: one per line, until stdin ends (as it does at once without a terminal). */
    private static void readCommands(KafkaCluster cluster) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                try {
                    switch (words[0]) {
                        case "" -> { }
                        case "status" -> status(cluster);
                        case "kill" -> {
                            cluster.kill(nodeId(words));
                            System.out.println("node " + words[1] + " killed (SIGKILL)");
                        }
                        case "wipe" -> {
                            cluster.wipeData(nodeId(words));
                            System.out.println("node " + words[1] + ": data deleted; start it to see what it lost");
                        }
                        case "start" -> {
                            System.out.println("node " + words[1] + " starting ...");
                            cluster.restart(nodeId(words));
                            System.out.println("node " + words[1] + " is back");
                        }
                        default -> System.out.println("commands: kill N, wipe N, start N, status");
                    }
                } catch (RuntimeException e) {
                    System.out.println(e.getMessage());
                }
            }
        } catch (IOException e) {
            // no stdin to read from: commands are off
        }
    }

    private static int nodeId(String[] words) {
        if (words.length != 2 || !words[1].matches("\\d+")) {
            throw new IllegalArgumentException("which node? e.g. " + words[0] + " 2");
        }
        return Integer.parseInt(words[1]);
    }
}

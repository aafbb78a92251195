package io.offsetlab.lab.broker;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.LocalMachine;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A KRaft cluster of several real Kafka {@value LabBrokerConfig#KAFKA_VERSION} nodes on
 * 127.0.0.1, each one a JVM of its own running Kafka's own main class ({@code kafka.Kafka},
 * as {@code kafka-server-start.sh} does), each broker and controller at once, all of them
 * voters of the controller quorum. A node in its own process can be killed like a crash
 * (SIGKILL): the one way to fail a broker without a controlled shutdown.
 *
 * <p>Each node keeps its data ({@code log.dirs}) apart from its metadata
 * ({@code metadata.log.dir}), so that {@link #wipeData} loses a disk's worth of partitions while
 * the node keeps its place in the quorum.
 */
public final class KafkaCluster implements Cluster {

    /** A node's heap: a lab node holds little data; Kafka's own script gives 1 GiB. */
    /** Each node's heap: a lab node holds little data, and several nodes share one machine. */
    public static final List<String> NODE_HEAP = List.of("-Xms128m", "-Xmx512m");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** A controlled shutdown takes a few seconds; a minute leaves room for a loaded machine. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    /**
     * @param nodes     how many nodes (3 for a cluster that survives the loss of one)
     * @param firstPort the first node's client port (the others follow), or 0 for free ports
     * @param dataDir   where every node keeps its data; null: a temporary directory, deleted on close
     * @param settings  the broker settings: {@link LabBrokerConfig#forNodes} or {@link LabBrokerConfig#kafkaDefaults}
     * @param sasl      null: PLAINTEXT; else SASL_PLAINTEXT with ACLs
     */
    public record Options(int nodes, int firstPort, Path dataDir, Map<String, String> settings, SaslUsers sasl) {
        /** The lab's settings for {@code nodes} nodes, plus {@code overrides}: free ports, a temporary directory. */
        public static Options lab(int nodes, Map<String, String> overrides) {
            Map<String, String> settings = LabBrokerConfig.forNodes(nodes);
            settings.putAll(overrides);
            return new Options(nodes, 0, null, settings, null);
        }
    }

    /** One node: its configuration, and its process while it runs. */
    private static final class Node {
        final NodeConfig config;
        final Path configFile;
        ChildJvm process;

        Node(NodeConfig config, Path configFile) {
            this.config = config;
            this.configFile = configFile;
        }
    }

    private final List<Node> nodes;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private final String clusterId;
    private long startMillis;

    private KafkaCluster(List<Node> nodes, Path dataDir, boolean deleteDataOnClose, String clusterId) {
        this.nodes = nodes;
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
        this.clusterId = clusterId;
    }

    /** How often a cluster on temporary data is started again on new ports when a port it picked was taken. */
    private static final int START_ATTEMPTS = 3;

    /**
     * Starts every node and returns once all of them are brokers of the cluster. The ports are
     * picked free, then bound by the nodes seconds later: when another process took one meanwhile
     * ("Address already in use"), a cluster on temporary data starts again on new ports.
     */
    public static KafkaCluster start(Options options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options);
            } catch (IllegalStateException e) {
                boolean portTaken = String.valueOf(e.getMessage()).contains("Address already in use");
                if (!portTaken || options.dataDir() != null || options.firstPort() != 0 || attempt == START_ATTEMPTS) {
                    throw e;
                }
                System.err.println("A port picked for the cluster was taken before its node bound it; starting again on new"
                        + " ports (attempt " + (attempt + 1) + " of " + START_ATTEMPTS + ").");
            }
        }
    }

    private static KafkaCluster startOnce(Options options) {
        long t0 = System.nanoTime();
        boolean temporary = options.dataDir() == null;
        Path dir = temporary ? LocalMachine.tempDir("offset-lab-cluster-") : options.dataDir().toAbsolutePath();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < options.nodes(); i++) {
            controllerPorts.add(LocalMachine.freePort());
        }
        String voters = IntStream.range(0, options.nodes())
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i)).collect(Collectors.joining(","));
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < options.nodes(); i++) {
            int id = i + 1;
            int clientPort = options.firstPort() == 0 ? LocalMachine.freePort() : options.firstPort() + i;
            Path nodeDir = dir.resolve("node-" + id);
            NodeConfig config = new NodeConfig(id, clientPort, controllerPorts.get(i), voters, nodeDir.resolve("data"),
                    nodeDir.resolve("metadata"), options.settings(), options.sasl());
            nodes.add(new Node(config, nodeDir.resolve("server.properties")));
        }
        String existing = nodes.get(0).config.existingClusterId();
        KafkaCluster cluster = new KafkaCluster(nodes, dir, temporary, existing != null ? existing : Uuid.randomUuid().toString());
        try {
            if (options.sasl() != null) {
                options.sasl().writeClientFiles(dir);
            }
            nodes.forEach(cluster::launch);
            cluster.awaitBrokers(cluster.nodeIds());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        cluster.startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return cluster;
    }

    /** Formats what is not formatted yet (a new or wiped data dir), then starts the node's JVM. */
    private void launch(Node node) {
        LocalMachine.directories(node.configFile.getParent());
        node.config.writeAndFormat(node.configFile, clusterId);
        node.process = ChildJvm.start(NODE_HEAP, System.getProperty("java.class.path"), "kafka.Kafka",
                node.configFile.toString());
    }

    /**
     * Waits until every node in {@code ids} answers as a broker; fails with a node's output if one
     * died, and with the last lines each of them printed if they are not ready in time.
     */
    private void awaitBrokers(Collection<Integer> ids) {
        try (Admin admin = Admin.create(ClientConfigs.admin(this))) {
            Wait.until("nodes " + ids + " to answer as brokers", READY_TIMEOUT, () -> {
                for (int id : ids) {
                    Node node = node(id);
                    if (!node.process.isAlive()) {
                        throw new IllegalStateException("node " + id + " exited:\n" + node.process.output());
                    }
                }
                return ids.stream().allMatch(id -> answers(admin, id));
            });
        } catch (IllegalStateException e) {
            StringBuilder printed = new StringBuilder(e.getMessage());
            for (int id : ids) {
                printed.append("\n--- node ").append(id).append(", its last lines:\n").append(lastLines(node(id).process.output(), 40));
            }
            throw new IllegalStateException(printed.toString(), e);
        }
    }

    /** The last {@code count} lines of what a node printed: enough to see why it failed. */
    public static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /**
     * Whether broker {@code id} itself answers: a describeConfigs of a broker goes to that broker.
     * (The cluster's metadata would not do: it lists a killed node until the controller fences it,
     * broker.session.timeout.ms after its last heartbeat.)
     */
    public static boolean answers(Admin admin, int id) {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
        try {
            admin.describeConfigs(List.of(broker)).all().get(5, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            return false; // not answering yet
        }
    }

    @Override
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.config.nodeId()).toList();
    }

    @Override
    public void kill(int nodeId) {
        node(nodeId).process.kill(); // SIGKILL
    }

    /**
     * SIGTERM: kafka.Kafka's shutdown hook runs the broker's controlled shutdown, and the JVM
     * exits 143 (128 + 15). The hook halts with 1 when the shutdown failed.
     */
    @Override
    public void stop(int nodeId) {
        ChildJvm process = node(nodeId).process;
        if (!process.isAlive()) {
            return;
        }
        process.terminate();
        int exitCode;
        try {
            exitCode = process.waitFor(STOP_TIMEOUT); // still running then: killed, and it throws
        } catch (IllegalStateException stillRunning) {
            throw new IllegalStateException("node " + nodeId + " did not finish its controlled shutdown within "
                    + STOP_TIMEOUT.toSeconds() + " s; it was killed. Its last lines:\n" + lastLines(process.output(), 40));
        }
        if (exitCode != 128 + 15) {
            throw new IllegalStateException("node " + nodeId + " ended with exit code " + exitCode
                    + " after SIGTERM, not 143: its shutdown failed. Its last lines:\n" + lastLines(process.output(), 40));
        }
    }

    @Override
    public void wipeData(int nodeId) {
        Node node = node(nodeId);
        if (node.process.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running: kill it before wiping its data");
        }
        LocalMachine.deleteRecursively(node.config.logDir());
    }

    /** Starts a stopped or killed node again, once the controller has fenced it (see {@link Cluster#awaitFenced}). */
    @Override
    public void restart(int nodeId) {
        Node node = node(nodeId);
        if (node.process.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        awaitFenced(nodeId);
        launch(node);
        awaitBrokers(List.of(nodeId));
    }

    @Override
    public boolean isRunning(int nodeId) {
        return node(nodeId).process.isAlive();
    }

    /** The operating system's process id of a running node, for {@code kill -9 PID}. */
    public long pid(int nodeId) {
        return node(nodeId).process.pid();
    }

    /** The client address of one node. */
    public String address(int nodeId) {
        return "127.0.0.1:" + node(nodeId).config.clientPort();
    }

    private Node node(int nodeId) {
        return nodes.stream().filter(n -> n.config.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodeIds()));
    }

    @Override
    public String bootstrapServers() {
        return nodeIds().stream().map(this::address).collect(Collectors.joining(","));
    }

    /** The super user's client properties on a secured cluster; none on a PLAINTEXT one. */
    @Override
    public Map<String, String> clientProperties() {
        SaslUsers sasl = nodes.get(0).config.sasl();
        return sasl == null ? Map.of() : sasl.clientProperties(SaslUsers.ADMIN);
    }

    @Override
    public Path clientPropertiesFile() {
        return nodes.get(0).config.sasl() == null ? null : SaslUsers.clientFile(dataDir, SaslUsers.ADMIN);
    }

    @Override
    public String description() {
        return nodes.size() + "-node KRaft cluster (Apache Kafka " + LabBrokerConfig.KAFKA_VERSION
                + ", one process per node) at " + bootstrapServers();
    }

    /** Time from {@link #start} to every node being a broker of the cluster. */
    public long startMillis() {
        return startMillis;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops every node cleanly (SIGTERM: controlled shutdown, logs flushed), all at once, and waits. */
    public void stop() {
        nodes.stream().filter(n -> n.process != null && n.process.isAlive()).forEach(n -> n.process.terminate());
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.waitFor(Duration.ofSeconds(60));
            }
        }
    }

    /** Kills every node that still runs, and deletes a temporary data directory. */
    @Override
    public void close() {
        nodes.stream().filter(n -> n.process != null).forEach(n -> n.process.close());
        if (deleteDataOnClose) {
            LocalMachine.deleteRecursively(dataDir);
        }
    }
}

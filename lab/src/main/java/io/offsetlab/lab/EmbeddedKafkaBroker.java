package io.offsetlab.lab;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one
 * process), running inside this JVM. It binds 127.0.0.1 only.
 *
 * <p>Always {@link #close()} it: the broker starts ~55 non-daemon threads that otherwise
 * keep the JVM alive.
 */
public final class EmbeddedKafkaBroker implements KafkaBackend {

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private long startMillis;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path dataDir, boolean deleteDataOnClose) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
    }

    /** Starts a broker on a free port in a temporary directory that is deleted on close. */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return start(0, null, overrides);
    }

    /**
     * Starts a broker and returns once it answers clients.
     *
     * @param port    PLAINTEXT port on 127.0.0.1, or 0 for a free one
     * @param dataDir where the log and metadata live; kept on close. null: a temporary
     *                directory, deleted on close. A directory formatted by an earlier run is
     *                reused as is, so topics and committed offsets survive a restart.
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides) {
        long t0 = System.nanoTime();
        boolean temporary = dataDir == null;
        Path dir = temporary ? createTempDir() : createDirectories(dataDir.toAbsolutePath());
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Properties props = serverProperties(brokerPort, controllerPort, dir, overrides);
        try {
            format(props, dir);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, brokerPort, dir, temporary);
            try {
                server.startup();
                broker.awaitReady();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            broker.startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return broker;
        } catch (RuntimeException e) {
            if (temporary) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    private static Properties serverProperties(int brokerPort, int controllerPort, Path dir,
                                               Map<String, String> overrides) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        // Both listeners on loopback only: nothing listens beyond 127.0.0.1.
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("kraft-logs").toString());
        props.putAll(LabBrokerConfig.withOverrides(overrides));
        return props;
    }

    /**
     * Formats the log dir like `kafka-storage.sh format` (never StorageTool's main: it exits
     * the JVM). A dir formatted by an earlier run is left as it is: formatting again, even
     * with --ignore-formatted, would clash with the cluster id stored there.
     */
    private static void format(Properties props, Path dir) {
        if (Files.exists(dir.resolve("kraft-logs").resolve("meta.properties"))) {
            return;
        }
        Path configFile = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "written by Kafka Offset Lab for kafka-storage format");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("embedded broker did not answer within 30 s", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Map<String, String> clientProperties() {
        return Map.of();
    }

    @Override
    public String description() {
        return "embedded KRaft broker (Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + ", in this JVM) at "
                + bootstrapServers();
    }

    /** Time from {@link #start} to the broker answering a describeCluster request. */
    public long startMillis() {
        return startMillis;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("offset-lab-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the broker", e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir is not worth failing a run for.
        }
    }
}

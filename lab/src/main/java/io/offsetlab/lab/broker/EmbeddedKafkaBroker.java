package io.offsetlab.lab.broker;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.LocalMachine;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one
 * process), running inside this JVM. It binds 127.0.0.1 only.
 *
 * <p>Always {@link #close()} it: the broker starts ~55 non-daemon threads that otherwise
 * keep the JVM alive.
 */
public final class EmbeddedKafkaBroker implements KafkaBackend {

    /**
     * How to start a broker.
     *
     * @param port     client port on 127.0.0.1, or 0 for a free one
     * @param dataDir  where the log and metadata live; kept on close. null: a temporary
     *                 directory, deleted on close. A directory formatted by an earlier run is
     *                 reused as is, so topics and committed offsets survive a restart.
     * @param settings the broker settings: {@link LabBrokerConfig#defaults()} with overrides,
     *                 or {@link LabBrokerConfig#kafkaDefaults} for a broker like a reader's
     * @param sasl     null: PLAINTEXT; else SASL_PLAINTEXT with ACLs, and client properties files
     *                 for both users in the data dir
     */
    public record Options(int port, Path dataDir, Map<String, String> settings, SaslUsers sasl) {
        /** The lab's settings plus {@code overrides}, a free port, a temporary directory, PLAINTEXT. */
        public static Options lab(Map<String, String> overrides) {
            return new Options(0, null, LabBrokerConfig.withOverrides(overrides), null);
        }
    }

    private final KafkaRaftServer server;
    private final NodeConfig node;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private long startMillis;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, NodeConfig node, Path dataDir, boolean deleteDataOnClose) {
        this.server = server;
        this.node = node;
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
    }

    /** Starts a broker with the lab's settings plus {@code overrides} on a free port in a temporary directory. */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return start(Options.lab(overrides));
    }

    /** Starts a broker and returns once it answers clients. */
    public static EmbeddedKafkaBroker start(Options options) {
        long t0 = System.nanoTime();
        boolean temporary = options.dataDir() == null;
        Path dir = temporary ? LocalMachine.tempDir("offset-lab-broker-") : LocalMachine.directories(options.dataDir().toAbsolutePath());
        int brokerPort = options.port() == 0 ? LocalMachine.freePort() : options.port();
        int controllerPort = LocalMachine.freePort();
        NodeConfig node = new NodeConfig(1, brokerPort, controllerPort, "1@127.0.0.1:" + controllerPort,
                dir.resolve("kraft-logs"), null, options.settings(), options.sasl());
        try {
            String clusterId = node.existingClusterId();
            node.writeAndFormat(dir.resolve("server.properties"), clusterId != null ? clusterId : Uuid.randomUuid().toString());
            if (options.sasl() != null) {
                options.sasl().writeClientFiles(dir);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(node.serverProperties(), false), Time.SYSTEM);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, node, dir, temporary);
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
                LocalMachine.deleteRecursively(dir);
            }
            throw e;
        }
    }

    private void awaitReady() {
        try (Admin admin = Admin.create(ClientConfigs.admin(this))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("embedded broker did not answer within 30 s", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + node.clientPort();
    }

    /** The super user's client properties on a secured broker; none on a PLAINTEXT one. */
    @Override
    public Map<String, String> clientProperties() {
        return node.sasl() == null ? Map.of() : node.sasl().clientProperties(SaslUsers.ADMIN);
    }

    @Override
    public Path clientPropertiesFile() {
        return node.sasl() == null ? null : SaslUsers.clientFile(dataDir, SaslUsers.ADMIN);
    }

    /** The SASL users of a secured broker; null on a PLAINTEXT one. */
    public SaslUsers saslUsers() {
        return node.sasl();
    }

    @Override
    public String description() {
        String security = node.sasl() == null ? "" : ", " + node.clientListener() + " with ACLs, as user " + SaslUsers.ADMIN;
        return "embedded KRaft broker (Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + ", in this JVM) at "
                + bootstrapServers() + security;
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
            LocalMachine.deleteRecursively(dataDir);
        }
    }

}

package io.offsetlab.lab.broker;

import kafka.tools.StorageTool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * The server.properties of one lab node: a KRaft node that is broker and controller at once
 * ({@code process.roles=broker,controller}), with both listeners on 127.0.0.1 only. The single
 * embedded broker is one such node; {@link KafkaCluster} runs several.
 *
 * @param quorumVoters   every controller of the cluster, "id@127.0.0.1:port,..."
 * @param logDir         where partitions live (log.dirs)
 * @param metadataLogDir where the cluster metadata lives (metadata.log.dir); null: in logDir.
 *                       A cluster keeps it apart so that a node can lose its data but not its
 *                       place in the controller quorum
 * @param settings       everything else: the lab's settings or Kafka's defaults, see {@link LabBrokerConfig}
 * @param sasl           null: PLAINTEXT; else SASL_PLAINTEXT with these users and ACLs on
 */
public record NodeConfig(int nodeId, int clientPort, int controllerPort, String quorumVoters, Path logDir,
                         Path metadataLogDir, Map<String, String> settings, SaslUsers sasl) {

    /** The listener clients use: PLAINTEXT, or SASL_PLAINTEXT on a secured node. */
    public String clientListener() {
        return sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
    }

    public Properties serverProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", quorumVoters);
        // Both listeners on loopback only: nothing listens beyond 127.0.0.1.
        String client = clientListener();
        props.put("listeners", client + "://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", client + "://127.0.0.1:" + clientPort);
        props.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:" + (sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT"));
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", client);
        props.put("log.dirs", logDir.toString());
        if (metadataLogDir != null) {
            props.put("metadata.log.dir", metadataLogDir.toString());
        }
        props.putAll(settings);
        if (sasl != null) {
            props.putAll(sasl.brokerSettings());
        }
        return props;
    }

    /**
     * The cluster id this node's directories were formatted with, or null when none is
     * formatted yet. A restart must format a wiped directory with the same id.
     */
    public String existingClusterId() {
        for (Path dir : metadataLogDir == null ? new Path[] {logDir} : new Path[] {metadataLogDir, logDir}) {
            Path meta = dir.resolve("meta.properties");
            if (Files.exists(meta)) {
                Properties props = new Properties();
                try (var in = Files.newInputStream(meta)) {
                    props.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + meta, e);
                }
                return props.getProperty("cluster.id");
            }
        }
        return null;
    }

    /**
     * Writes server.properties to {@code file} and formats every directory of it that is not
     * formatted yet, like {@code kafka-storage.sh format --ignore-formatted} (never StorageTool's
     * main: it exits the JVM). A directory formatted by an earlier run is left as it is, so
     * topics and committed offsets survive a restart; a wiped one is formatted afresh.
     */
    public void writeAndFormat(Path file, String clusterId) {
        try {
            // Owner-only: on a secured node it holds the users' passwords.
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            serverProperties().store(out, "written by Kafka Offset Lab");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config", file.toString(),
                "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }
}

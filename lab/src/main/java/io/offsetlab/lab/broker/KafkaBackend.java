package io.offsetlab.lab.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kafka cluster the lab talks to: an embedded broker, a Testcontainers broker, a cluster
 * of several nodes or an external cluster. Every client the lab starts, in this JVM or in
 * another, uses both {@link #bootstrapServers()} and {@link #clientProperties()}: a secured
 * cluster's settings travel with the address.
 */
public interface KafkaBackend extends AutoCloseable {

    /** host:port list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Extra client properties every client must use (e.g. SASL/SSL from --command-config). */
    Map<String, String> clientProperties();

    /**
     * The {@link #clientProperties()} as a file, the way Kafka's tools take them with
     * {@code --command-config}; null when there are none. Other processes get this path,
     * never the settings themselves: those can hold passwords.
     */
    default Path clientPropertiesFile() {
        return null;
    }

    /**
     * How another process reaches this cluster: {@code --bootstrap-server HOST:PORT}, plus
     * {@code --command-config FILE} when it needs client properties. Every demo, tool and child
     * JVM of the lab takes these two options first.
     */
    default List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrapServers()));
        if (clientPropertiesFile() != null) {
            args.addAll(List.of("--command-config", clientPropertiesFile().toString()));
        }
        return args;
    }

    /** One line for humans: which broker this is. Never contains secrets. */
    String description();

    /** Stops the broker if this backend started it; a no-op for an external cluster. */
    @Override
    void close();
}

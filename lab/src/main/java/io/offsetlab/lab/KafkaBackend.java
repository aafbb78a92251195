package io.offsetlab.lab;

import java.util.Map;

/**
 * A Kafka cluster the lab talks to: an embedded broker, a Testcontainers broker or an
 * external cluster. Clients need only {@link #bootstrapServers()} plus
 * {@link #clientProperties()} (security settings of an external cluster, else empty).
 */
public interface KafkaBackend extends AutoCloseable {

    /** host:port list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Extra client properties every client must use (e.g. SASL/SSL from --command-config). */
    Map<String, String> clientProperties();

    /** One line for humans: which broker this is. Never contains secrets. */
    String description();

    /** Stops the broker if this backend started it; a no-op for an external cluster. */
    @Override
    void close();
}

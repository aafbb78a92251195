package io.offsetlab.lab;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A cluster the lab did not start: {@code --bootstrap-server} plus an optional client
 * properties file, read the way Kafka's own tools read {@code --command-config}.
 */
public final class ExternalCluster implements KafkaBackend {

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final Path commandConfig;

    public ExternalCluster(String bootstrapServers, Path commandConfig) {
        this.bootstrapServers = bootstrapServers;
        this.commandConfig = commandConfig;
        this.clientProperties = commandConfig == null ? Map.of() : readProperties(commandConfig);
    }

    /** Reads a client properties file; an unreadable file is an {@link IllegalArgumentException}. */
    public static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read client properties file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(name -> map.put(name, props.getProperty(name)));
        return map;
    }

    /**
     * Fails with a one-paragraph {@link BrokerUnreachableException} unless the cluster
     * answers a describeCluster request within {@code timeout}.
     */
    public void checkReachable(Duration timeout) {
        Map<String, Object> config = ClientConfigs.admin(this);
        int millis = (int) timeout.toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .clusterId().get(millis + 2000L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new BrokerUnreachableException(unreachableMessage(timeout, e));
        }
    }

    private String unreachableMessage(Duration timeout, Exception cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "No Kafka cluster answered at " + bootstrapServers + " within " + timeout.toSeconds() + " s ("
                + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                + "). Check that the cluster is running and that the address is the one its clients use "
                + "(its advertised listener); a secured cluster also needs its client settings in a file passed "
                + "with --command-config FILE.";
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    @Override
    public String description() {
        String security = clientProperties.isEmpty() ? ""
                : " with client properties from " + commandConfig + " (" + ClientConfigs.describe(clientProperties) + ")";
        return "external cluster at " + bootstrapServers + security;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }

    /** The cluster did not answer; the message is written for the person at the terminal. */
    public static final class BrokerUnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BrokerUnreachableException(String message) {
            super(message);
        }
    }
}

package io.offsetlab.lab.broker;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.KafkaFailures;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;

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
     * Fails with a one-paragraph {@link BrokerUnreachableException} unless the cluster answers a
     * describeCluster request within {@code timeout}. It says what went wrong: no answer, an
     * unknown host (at once, not after the timeout), or a failed login (naming the file to check).
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
        Throwable root = KafkaFailures.rootCause(cause);
        if (root instanceof AuthenticationException || root instanceof ConfigException) {
            return KafkaFailures.explain(root, this);
        }
        return "No Kafka cluster answered at " + bootstrapServers + " within " + timeout.toSeconds() + " s ("
                + KafkaFailures.describe(root) + "). Check that the cluster is running and that the address is the one "
                + "its clients use (its advertised listener); a secured cluster also needs its client settings in a "
                + "file passed with --command-config FILE.";
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
    public Path clientPropertiesFile() {
        return commandConfig;
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

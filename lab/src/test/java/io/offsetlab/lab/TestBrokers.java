package io.offsetlab.lab;

import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Chooses and starts the broker the tests run against, and says which one and why, once. */
public final class TestBrokers {

    private static final Logger LOG = LoggerFactory.getLogger(TestBrokers.class);

    private TestBrokers() {
    }

    /** A started broker; closing it stops it (the root JUnit store does that at the end of the run). */
    public record Started(KafkaBackend backend, boolean configurable) implements AutoCloseable {
        /** Skips the class, saying why, when it needs broker settings this backend cannot be given. */
        void assumeCanApply(Map<String, String> overrides) {
            Assumptions.assumeTrue(configurable || overrides.isEmpty(),
                    "this test class needs broker settings " + overrides + ", which cannot be applied to an "
                            + "external cluster; run it with -Dkafka.backend=embedded or testcontainers");
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    public static Started start(Map<String, String> overrides) {
        String requested = requestedBackend();
        long t0 = System.nanoTime();
        String reason = "kafka.backend=" + requested;
        Started started;
        switch (requested) {
            case "embedded" -> started = new Started(EmbeddedKafkaBroker.start(overrides), true);
            case "testcontainers" -> started = new Started(TestcontainersBroker.start(overrides), true);
            case "external" -> started = new Started(external(), false);
            case "auto" -> {
                String docker = dockerEngine();
                reason = "kafka.backend=auto and " + (docker == null ? "no Docker engine answered" : docker);
                started = new Started(docker == null ? EmbeddedKafkaBroker.start(overrides)
                        : TestcontainersBroker.start(overrides), true);
            }
            default -> throw new IllegalArgumentException("kafka.backend must be auto, embedded, testcontainers or external, got '"
                    + requested + "'");
        }
        LOG.info("Kafka for these tests: {} (because {}); ready in {} ms{}", started.backend().description(), reason,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                overrides.isEmpty() ? "" : "; broker overrides " + overrides);
        return started;
    }

    private static String requestedBackend() {
        String value = System.getProperty("kafka.backend");
        if (value == null || value.isBlank()) {
            value = System.getenv("KAFKA_BACKEND");
        }
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    /** A description of the Docker engine that answered, or null. Cheap when there is none. */
    private static String dockerEngine() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!hint) {
            return null;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? "a Docker engine answered" : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static KafkaBackend external() {
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafka.backend=external needs -Dkafka.bootstrap.servers=HOST:PORT "
                    + "(and optionally -Dkafka.command.config=FILE)");
        }
        String commandConfig = System.getProperty("kafka.command.config");
        ExternalCluster cluster = new ExternalCluster(bootstrap, commandConfig == null ? null : Path.of(commandConfig));
        cluster.checkReachable(DemoRunner.CONNECT_TIMEOUT);
        return cluster;
    }
}

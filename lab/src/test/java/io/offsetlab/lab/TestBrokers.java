package io.offsetlab.lab;

import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Chooses and starts the broker the tests run against, and says which one and why, once. */
public final class TestBrokers {

    private static final Logger LOG = LoggerFactory.getLogger(TestBrokers.class);

    /** How long auto waits for Testcontainers before it uses the embedded broker instead. */
    static final Duration AUTO_TESTCONTAINERS_LIMIT = Duration.ofSeconds(60);

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
                String[] why = new String[1];
                KafkaBackend container = tryTestcontainers(overrides, why);
                reason = "kafka.backend=auto and " + why[0];
                started = new Started(container != null ? container : EmbeddedKafkaBroker.start(overrides), true);
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

    /** Set once Testcontainers failed in this JVM: later classes go straight to the embedded broker. */
    private static volatile String testcontainersFailure;

    /**
     * For auto: a Testcontainers broker when a Docker engine answers and Testcontainers can
     * start one within {@link #AUTO_TESTCONTAINERS_LIMIT}; else null, with the reason in
     * {@code why[0]}. The limit matters on machines that cannot pull images: Testcontainers
     * would otherwise retry pulling its Ryuk image (or alpine) for minutes.
     */
    private static KafkaBackend tryTestcontainers(Map<String, String> overrides, String[] why) {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!hint) {
            why[0] = "no Docker engine answered (no DOCKER_HOST, no /var/run/docker.sock)";
            return null;
        }
        if (testcontainersFailure != null) {
            why[0] = testcontainersFailure;
            return null;
        }
        CompletableFuture<KafkaBackend> start = CompletableFuture.supplyAsync(() -> {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("no Docker engine answered");
            }
            return TestcontainersBroker.start(overrides);
        }, runnable -> {
            Thread thread = new Thread(runnable, "auto-testcontainers");
            thread.setDaemon(true); // a pull that never ends must not keep the JVM alive
            thread.start();
        });
        try {
            KafkaBackend broker = start.get(AUTO_TESTCONTAINERS_LIMIT.toSeconds(), TimeUnit.SECONDS);
            why[0] = "a Docker engine answered";
            return broker;
        } catch (TimeoutException e) {
            start.thenAccept(KafkaBackend::close); // should it start after all, do not leak the container
            testcontainersFailure = "a Docker engine answered but Testcontainers had no broker after "
                    + AUTO_TESTCONTAINERS_LIMIT.toSeconds() + " s (it may be pulling images this machine cannot reach: "
                    + "see README, 'Choosing the broker for the tests')";
        } catch (ExecutionException e) {
            testcontainersFailure = "Testcontainers failed (" + e.getCause().getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            testcontainersFailure = "interrupted while starting Testcontainers";
        }
        why[0] = testcontainersFailure;
        return null;
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

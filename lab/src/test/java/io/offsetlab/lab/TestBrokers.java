package io.offsetlab.lab;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.broker.EmbeddedKafkaBroker;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.broker.LabBrokerConfig;
import io.offsetlab.lab.broker.SaslUsers;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.Runner;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    /** What a test class asks for: broker settings on top of the lab's, a secured broker, how many brokers. */
    public record Wanted(Map<String, String> overrides, boolean secured, int brokers) {
        public Wanted {
            if (secured && brokers > 1) {
                throw new IllegalArgumentException("@KafkaLab: a secured cluster of several brokers is not supported");
            }
        }
    }

    /**
     * A started broker, and for a secured one the ordinary user's view of it; closing it stops
     * the broker (the root JUnit store does that at the end of the run).
     */
    public record Started(KafkaBackend backend, boolean configurable, KafkaBackend ordinaryUser) implements AutoCloseable {
        /** Why this backend cannot be what a test class asks for; empty when it can. */
        Optional<String> whyNot(Wanted wanted) {
            if (wanted.brokers() > 1 && !(backend instanceof Cluster)) {
                return Optional.of("this test class kills and restarts brokers of a " + wanted.brokers() + "-broker cluster, "
                        + "which a test must not do to an external cluster (this one has " + brokerCount() + "); run it with "
                        + "-Dkafka.backend=embedded or testcontainers");
            }
            if (wanted.secured() && ordinaryUser == null) {
                return Optional.of("this test class needs a secured cluster and an ordinary user on it: pass that user's "
                        + "client properties with -Dkafka.user.command.config=FILE");
            }
            if (configurable || wanted.overrides().isEmpty()) {
                return Optional.empty();
            }
            BrokerSettings settings = BrokerSettings.of(backend);
            boolean hasThem = wanted.overrides().entrySet().stream().allMatch(e -> BrokerSettings.KEYS.contains(e.getKey())
                    && String.valueOf(settings.value(e.getKey())).equals(e.getValue()));
            return hasThem ? Optional.empty() : Optional.of("this test class needs the broker settings " + wanted.overrides()
                    + ", which a test cannot give an external cluster, and this one has "
                    + settings.describe(wanted.overrides().keySet().stream().filter(BrokerSettings.KEYS::contains).toList())
                    + "; run it with -Dkafka.backend=embedded or testcontainers");
        }

        private int brokerCount() {
            try (Admin admin = Admin.create(ClientConfigs.admin(backend))) {
                return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            } catch (Exception e) {
                throw new IllegalStateException("cannot count the brokers of " + backend.description(), e);
            }
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    public static Started start(Wanted wanted) {
        String requested = requestedBackend();
        long t0 = System.nanoTime();
        String reason = "kafka.backend=" + requested;
        Map<String, String> overrides = wanted.overrides();
        Started started;
        if (wanted.brokers() > 1 && !requested.equals("external")) {
            String[] why = new String[1];
            started = new Started(cluster(requested, wanted, why), true, null);
            reason = why[0];
        } else if (wanted.secured() && !requested.equals("external")) {
            // Testcontainers' KafkaContainer has no SASL listener: secured brokers are embedded.
            reason = "kafka.backend=" + requested + " and the test class needs a secured broker, which the lab embeds";
            started = secured(overrides);
        } else {
            switch (requested) {
                case "embedded" -> started = new Started(EmbeddedKafkaBroker.start(overrides), true, null);
                case "testcontainers" -> started = new Started(TestcontainersBroker.start(overrides), true, null);
                case "external" -> started = external(wanted.secured());
                case "auto" -> {
                    String[] why = new String[1];
                    KafkaBackend container = tryTestcontainers(() -> TestcontainersBroker.start(overrides), why);
                    reason = "kafka.backend=auto and " + why[0];
                    started = new Started(container != null ? container : EmbeddedKafkaBroker.start(overrides), true, null);
                }
                default -> throw new IllegalArgumentException("kafka.backend must be auto, embedded, testcontainers or external, got '"
                        + requested + "'");
            }
        }
        String line = "Kafka for these tests: {} (because {}); ready in {} ms{}";
        Object[] values = {started.backend().description(), reason, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                overrides.isEmpty() ? "" : "; broker overrides " + overrides};
        if (requested.equals("auto") && testcontainersFailure != null) {
            LOG.warn(line, values); // Docker answered, yet this class (and the rest of the run) uses another backend
        } else {
            LOG.info(line, values);
        }
        return started;
    }

    /** Several nodes: one container each on Testcontainers (auto: when a Docker engine answers), else one process each. */
    private static Cluster cluster(String requested, Wanted wanted, String[] why) {
        Map<String, String> settings = LabBrokerConfig.forNodes(wanted.brokers());
        settings.putAll(wanted.overrides());
        switch (requested) {
            case "testcontainers" -> {
                why[0] = "kafka.backend=testcontainers";
                return TestcontainersCluster.start(wanted.brokers(), settings);
            }
            case "auto" -> {
                KafkaBackend containers = tryTestcontainers(() -> TestcontainersCluster.start(wanted.brokers(), settings), why);
                why[0] = "kafka.backend=auto and " + why[0];
                if (containers != null) {
                    return (Cluster) containers;
                }
            }
            case "embedded" -> why[0] = "kafka.backend=embedded";
            default -> throw new IllegalArgumentException("kafka.backend must be auto, embedded, testcontainers or external, got '"
                    + requested + "'");
        }
        return KafkaCluster.start(new KafkaCluster.Options(wanted.brokers(), 0, null, settings, null));
    }

    /** An embedded broker with SASL users and ACLs; its ordinary user reads its client properties from the data dir. */
    private static Started secured(Map<String, String> overrides) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(0, null,
                LabBrokerConfig.withOverrides(overrides), SaslUsers.random()));
        ExternalCluster user = new ExternalCluster(broker.bootstrapServers(), SaslUsers.clientFile(broker.dataDir(), SaslUsers.USER));
        return new Started(broker, true, user);
    }

    static String requestedBackend() {
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
    private static KafkaBackend tryTestcontainers(java.util.function.Supplier<KafkaBackend> starter, String[] why) {
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
            return starter.get();
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

    /**
     * The cluster of -Dkafka.bootstrap.servers, as the user of -Dkafka.command.config; for a
     * secured class also as the ordinary user of -Dkafka.user.command.config, when given.
     */
    private static Started external(boolean secured) {
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafka.backend=external needs -Dkafka.bootstrap.servers=HOST:PORT "
                    + "(and optionally -Dkafka.command.config=FILE)");
        }
        ExternalCluster cluster = new ExternalCluster(bootstrap, file("kafka.command.config"));
        cluster.checkReachable(Runner.CONNECT_TIMEOUT);
        Path userFile = file("kafka.user.command.config");
        KafkaBackend user = secured && userFile != null ? new ExternalCluster(bootstrap, userFile) : null;
        return new Started(cluster, false, user);
    }

    private static Path file(String property) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}

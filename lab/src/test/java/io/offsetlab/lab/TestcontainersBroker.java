package io.offsetlab.lab;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.broker.LabBrokerConfig;
import io.offsetlab.lab.run.ChildJvm;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Locale;
import java.util.Map;

/** The official apache/kafka image in Docker, through Testcontainers. */
public final class TestcontainersBroker implements KafkaBackend {

    public static final String IMAGE = "apache/kafka:" + LabBrokerConfig.KAFKA_VERSION;

    private static final Logger LOG = LoggerFactory.getLogger(TestcontainersBroker.class);
    private static final int START_ATTEMPTS = 3;

    private final KafkaContainer container;

    private TestcontainersBroker(KafkaContainer container) {
        this.container = container;
    }

    /**
     * Starts a container, and a new one when the first does not start. KafkaContainer runs a start
     * script that Testcontainers copies in after the container started; its command waits for the
     * file, but can run it while the copy is still writing it ("sh: /tmp/testcontainers_start.sh:
     * Text file busy", seen once in CI), and the container exits. Every retry is logged.
     */
    public static TestcontainersBroker start(Map<String, String> overrides) {
        for (int attempt = 1; ; attempt++) {
            KafkaContainer container = container(overrides);
            try {
                container.start();
                return new TestcontainersBroker(container);
            } catch (RuntimeException e) {
                container.stop();
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("The Testcontainers broker did not start (attempt {} of {}: {}); starting a new container", attempt,
                        START_ATTEMPTS, e.getMessage());
            }
        }
    }

    private static KafkaContainer container(Map<String, String> overrides) {
        ContainerOwner.removeThoseOfEndedJvms();
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        container.withLabels(ContainerOwner.label());
        LabBrokerConfig.withOverrides(overrides).forEach((key, value) -> container.withEnv(envName(key), value));
        withLabJvm(container);
        // Docker publishes ports on every interface by default; the lab listens on loopback only.
        container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(9092))));
        return container;
    }

    /**
     * The JVM options of the Kafka in a container: the lab nodes' heap, and the test JVMs' own
     * options (offsetlab.childJvmOptions, the build's lab.test.jvm: C1 only and the serial
     * collector) instead of the image's G1 and C2 JIT, whose compiler threads cost CPU that the
     * tests' many containers share on a small machine. Both the official image and its stand-in
     * pass these two variables to java, as kafka-server-start.sh does.
     */
    static void withLabJvm(GenericContainer<?> container) {
        container.withEnv("KAFKA_HEAP_OPTS", String.join(" ", KafkaCluster.NODE_HEAP));
        String options = System.getProperty(ChildJvm.OPTIONS_PROPERTY, "").trim();
        if (!options.isEmpty()) {
            container.withEnv("KAFKA_JVM_PERFORMANCE_OPTS", options + " -Djava.awt.headless=true");
        }
    }

    /** The image's mapping of env vars to broker settings: '.' -> '_', '_' -> '__', '-' -> '___'. */
    static String envName(String key) {
        return "KAFKA_" + key.replace("_", "__").replace("-", "___").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public Map<String, String> clientProperties() {
        return Map.of();
    }

    @Override
    public String description() {
        return "Testcontainers broker (" + IMAGE + ", container " + container.getContainerId().substring(0, 12) + ") at "
                + bootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}

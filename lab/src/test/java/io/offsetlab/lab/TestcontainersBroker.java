package io.offsetlab.lab;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Locale;
import java.util.Map;

/** The official apache/kafka image in Docker, through Testcontainers. */
public final class TestcontainersBroker implements KafkaBackend {

    public static final String IMAGE = "apache/kafka:" + LabBrokerConfig.KAFKA_VERSION;

    private final KafkaContainer container;

    private TestcontainersBroker(KafkaContainer container) {
        this.container = container;
    }

    public static TestcontainersBroker start(Map<String, String> overrides) {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        LabBrokerConfig.withOverrides(overrides).forEach((key, value) -> container.withEnv(envName(key), value));
        // Docker publishes ports on every interface by default; the lab listens on loopback only.
        container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(9092))));
        container.start();
        return new TestcontainersBroker(container);
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

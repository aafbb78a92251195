package io.offsetlab.lab;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.LocalMachine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A KRaft cluster of {@code apache/kafka} containers on one Docker network, each node a broker
 * and a controller. Clients on this machine reach every node on 127.0.0.1 (a fixed port each);
 * the nodes reach each other by their network names. {@link #kill} is {@code docker kill}
 * (SIGKILL), {@link #stop} {@code docker stop} (SIGTERM); {@link #wipeData} marks the stopped container, and its next start deletes its data
 * directory before Kafka starts (a container's files cannot be touched while it is stopped).
 */
public final class TestcontainersCluster implements Cluster {

    private static final String DATA = "/tmp/kafka/data";
    private static final String METADATA = "/tmp/kafka/metadata";
    private static final String WIPE_MARK = "/tmp/kafka/wipe-data";
    /** Start Kafka through the image's own script, after a wipe if one was asked for. */
    private static final String COMMAND = "if [ -f " + WIPE_MARK + " ]; then rm -rf " + DATA + " " + WIPE_MARK + "; fi; "
            + "exec /etc/kafka/docker/run";

    private final List<GenericContainer<?>> containers;
    private final List<Integer> hostPorts;
    private final Network network;

    private TestcontainersCluster(List<GenericContainer<?>> containers, List<Integer> hostPorts, Network network) {
        this.containers = containers;
        this.hostPorts = hostPorts;
        this.network = network;
    }

    public static TestcontainersCluster start(int nodes, Map<String, String> settings) {
        ContainerOwner.removeThoseOfEndedJvms();
        Network network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withLabels(ContainerOwner.label())).build();
        String clusterId = Uuid.randomUuid().toString();
        String voters = IntStream.rangeClosed(1, nodes).mapToObj(id -> id + "@kafka-" + id + ":9093").collect(Collectors.joining(","));
        List<Integer> hostPorts = IntStream.range(0, nodes).mapToObj(i -> LocalMachine.freePort()).toList();
        List<GenericContainer<?>> containers = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            containers.add(node(id, hostPorts.get(id - 1), voters, clusterId, settings, network));
        }
        TestcontainersCluster cluster = new TestcontainersCluster(containers, hostPorts, network);
        try {
            Startables.deepStart(containers).join();
            cluster.awaitBrokers(cluster.nodeIds());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static GenericContainer<?> node(int id, int hostPort, String voters, String clusterId, Map<String, String> settings,
                                            Network network) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(TestcontainersBroker.IMAGE))
                .withLabels(ContainerOwner.label())
                .withNetwork(network)
                .withNetworkAliases("kafka-" + id)
                .withEnv("CLUSTER_ID", clusterId)
                .withEnv("KAFKA_NODE_ID", Integer.toString(id))
                .withEnv("KAFKA_PROCESS_ROLES", "broker,controller")
                .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                // PLAINTEXT for clients on this machine, BROKER between the nodes, CONTROLLER for the quorum.
                .withEnv("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093")
                .withEnv("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://127.0.0.1:" + hostPort + ",BROKER://kafka-" + id + ":9094")
                .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .withEnv("KAFKA_INTER_BROKER_LISTENER_NAME", "BROKER")
                .withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
                .withEnv("KAFKA_LOG_DIRS", DATA)
                .withEnv("KAFKA_METADATA_LOG_DIR", METADATA)
                .withCommand("sh", "-c", COMMAND)
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
        settings.forEach((key, value) -> container.withEnv(TestcontainersBroker.envName(key), value));
        TestcontainersBroker.withLabJvm(container);
        // Docker publishes ports on every interface by default; the lab listens on loopback only.
        container.withCreateContainerCmdModifier(cmd -> cmd.withExposedPorts(ExposedPort.tcp(9092)).getHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(9092))));
        return container;
    }

    private void awaitBrokers(List<Integer> ids) {
        try (Admin admin = Admin.create(ClientConfigs.admin(this))) {
            io.offsetlab.lab.client.Wait.until("nodes " + ids + " to answer as brokers", Duration.ofSeconds(120),
                    () -> ids.stream().allMatch(id -> KafkaCluster.answers(admin, id)));
        }
    }

    @Override
    public List<Integer> nodeIds() {
        return IntStream.rangeClosed(1, containers.size()).boxed().toList();
    }

    @Override
    public void kill(int nodeId) {
        docker().killContainerCmd(container(nodeId).getContainerId()).withSignal("KILL").exec();
        io.offsetlab.lab.client.Wait.until("node " + nodeId + " to stop", Duration.ofSeconds(30), () -> !isRunning(nodeId));
    }

    /**
     * docker stop: SIGTERM to Kafka's JVM (every step of the start command execs the next), SIGKILL
     * after 60 s. A JVM that ended on SIGTERM after its shutdown hook exits 143 (128 + 15).
     */
    @Override
    public void stop(int nodeId) {
        if (!isRunning(nodeId)) {
            return;
        }
        GenericContainer<?> node = container(nodeId);
        docker().stopContainerCmd(node.getContainerId()).withTimeout(60).exec();
        io.offsetlab.lab.client.Wait.until("node " + nodeId + " to stop", Duration.ofSeconds(30), () -> !isRunning(nodeId));
        Long exitCode = docker().inspectContainerCmd(node.getContainerId()).exec().getState().getExitCodeLong();
        if (exitCode == null || exitCode != 128 + 15) {
            throw new IllegalStateException("node " + nodeId + " ended with exit code " + exitCode + " after docker stop, not 143: "
                    + (Long.valueOf(128 + 9).equals(exitCode) ? "its controlled shutdown did not end within 60 s" : "its shutdown failed")
                    + ". Its last lines:\n" + KafkaCluster.lastLines(node.getLogs(), 40));
        }
    }

    @Override
    public void wipeData(int nodeId) {
        container(nodeId).copyFileToContainer(Transferable.of("wipe"), WIPE_MARK);
    }

    @Override
    public void restart(int nodeId) {
        awaitFenced(nodeId);
        docker().startContainerCmd(container(nodeId).getContainerId()).exec();
        awaitBrokers(List.of(nodeId));
    }

    @Override
    public boolean isRunning(int nodeId) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(container(nodeId).getContainerId()).exec().getState().getRunning());
    }

    private GenericContainer<?> container(int nodeId) {
        if (nodeId < 1 || nodeId > containers.size()) {
            throw new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodeIds());
        }
        return containers.get(nodeId - 1);
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @Override
    public String bootstrapServers() {
        return hostPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    @Override
    public Map<String, String> clientProperties() {
        return Map.of();
    }

    @Override
    public String description() {
        return containers.size() + "-node Testcontainers cluster (" + TestcontainersBroker.IMAGE + ", one container per node) at "
                + bootstrapServers();
    }

    @Override
    public void close() {
        containers.forEach(GenericContainer::stop);
        network.close();
    }
}

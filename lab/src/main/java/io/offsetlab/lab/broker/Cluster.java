package io.offsetlab.lab.broker;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Wait;

import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster of several Kafka nodes that the lab started, and so can fail on purpose: a node
 * killed the hard way (like a crash, no controlled shutdown) or stopped cleanly, its data lost,
 * the node restarted. {@link KafkaCluster} runs each node as a process of its own; the tests' Testcontainers
 * backend runs each as a container.
 */
public interface Cluster extends KafkaBackend {

    /** The node ids, 1 to n. Every node is broker and controller (KRaft, combined mode). */
    List<Integer> nodeIds();

    /**
     * Kills node {@code nodeId} the way a crash does: SIGKILL, no controlled shutdown, nothing
     * flushed that was not already written. Returns once the node is gone. The controller fences
     * it once its broker session times out (broker.session.timeout.ms: 9 s by default, 4 s on the
     * lab's own clusters); then its partitions get new leaders.
     */
    void kill(int nodeId);

    /**
     * Stops node {@code nodeId} the way an operator does for maintenance: SIGTERM, and Kafka's
     * controlled shutdown (the broker asks the controller to move its leaderships and take it
     * out of every ISR, then exits): no wait for its broker session to time out, as after a kill;
     * the controller fences it at once. Starting it again soon after still takes that long: the
     * controller refuses a new registration of the same id until broker.session.timeout.ms has
     * passed since the last heartbeat ({@code ClusterControlManager.registerBroker}), and the new
     * node retries until then. Returns once the node is gone; fails with the node's last lines
     * when its controlled shutdown failed, or did not end within a minute (then it is killed).
     */
    void stop(int nodeId);

    /**
     * Deletes the data of a killed node: its log directory, with every partition replica it
     * held, as a lost disk would. Its place in the controller quorum (the metadata log) stays.
     */
    void wipeData(int nodeId);

    /**
     * Starts a killed or stopped node again on the same ports and directories, and waits until it
     * is back in the cluster. It first waits for {@link #awaitFenced}: until then the controller
     * would refuse the node's new registration (a stopped node is fenced at once; see {@link #stop}).
     */
    void restart(int nodeId);

    /**
     * Waits until the controller has fenced node {@code nodeId}: the cluster's metadata
     * ({@code describeCluster}) leaves fenced brokers out. A node killed moments ago stays
     * registered until broker.session.timeout.ms passes without its heartbeat (9 s by default, 4 s
     * on the lab's own clusters), and the controller refuses to register the same id again while
     * that session lasts ({@code ClusterControlManager.registerBroker}:
     * DuplicateBrokerRegistrationException).
     */
    default void awaitFenced(int nodeId) {
        try (Admin admin = Admin.create(ClientConfigs.admin(this))) {
            Wait.until("the controller to fence node " + nodeId, Duration.ofSeconds(90), () -> !lists(admin, nodeId).orElse(true));
        }
    }

    /**
     * Whether the cluster's metadata lists node {@code nodeId} ({@code describeCluster}, which
     * leaves out fenced brokers); empty when no broker answered within 5 s.
     */
    static Optional<Boolean> lists(Admin admin, int nodeId) {
        try {
            return Optional.of(admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == nodeId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Whether node {@code nodeId} runs (it does unless it was killed or stopped, and not restarted). */
    boolean isRunning(int nodeId);

    /** Restarts every node that was killed or stopped, so that the cluster is whole again. */
    default void restartKilled() {
        nodeIds().stream().filter(id -> !isRunning(id)).forEach(this::restart);
    }
}

package io.offsetlab.lab;

import java.util.List;

/**
 * A cluster of several Kafka nodes that the lab started, and so can fail on purpose: a node
 * killed the hard way (like a crash, no controlled shutdown), its data lost, the node
 * restarted. {@link KafkaCluster} runs each node as a process of its own; the tests' Testcontainers
 * backend runs each as a container.
 */
public interface Cluster extends KafkaBackend {

    /** The node ids, 1 to n. Every node is broker and controller (KRaft, combined mode). */
    List<Integer> nodeIds();

    /**
     * Kills node {@code nodeId} the way a crash does: SIGKILL, no controlled shutdown, nothing
     * flushed that was not already written. Returns once the node is gone. The controller fences it once its broker session
     * times out (broker.session.timeout.ms, 9 s by default); then its partitions get new leaders.
     */
    void kill(int nodeId);

    /**
     * Deletes the data of a killed node: its log directory, with every partition replica it
     * held, as a lost disk would. Its place in the controller quorum (the metadata log) stays.
     */
    void wipeData(int nodeId);

    /** Starts a killed node again on the same ports and directories, and waits until it is back in the cluster. */
    void restart(int nodeId);

    /** Whether node {@code nodeId} runs (it does unless it was killed and not restarted). */
    boolean isRunning(int nodeId);

    /** Restarts every node that was killed, so that the cluster is whole again. */
    default void restartKilled() {
        nodeIds().stream().filter(id -> !isRunning(id)).forEach(this::restart);
    }
}

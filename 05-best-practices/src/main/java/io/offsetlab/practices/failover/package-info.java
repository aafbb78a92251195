/**
 * §5.5 and §5.6 When a broker dies: committed offsets are as safe as the replicas of {@code __consumer_offsets}.
 *
 * <p>{@link CoordinatorFailover} kills a group's coordinator mid-stream (3 replicas: nothing
 * lost); {@link SingleReplicaLoss} loses the disk of the one replica (the offsets go with it).
 * {@link LoopConsumer} runs the §5.1 loop in a JVM of its own, and {@link SteadyProducer}
 * writes the stream it reads. {@code ./run failover} shows both scenes.
 */
package io.offsetlab.practices.failover;

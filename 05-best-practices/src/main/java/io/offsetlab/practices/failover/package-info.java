/**
 * §5.5 and §5.6 When a broker dies: committed offsets are as safe as the replicas of {@code __consumer_offsets}.
 *
 * <p>{@link CoordinatorFailover} kills a group's coordinator mid-stream (3 replicas: nothing
 * lost) and tells what it saw in a {@link FailoverResult}; {@link SingleReplicaLoss} loses the
 * disk of the one replica (the offsets go with it), with {@link GroupPerPolicy} (the groups that
 * commit and come back) and {@link OffsetsTopicLeaders} (who leads __consumer_offsets, and the
 * unclean election).
 * {@link LoopConsumer} runs the §5.1 loop in a JVM of its own, and {@link SteadyProducer}
 * writes the stream it reads. {@code ./run failover} shows both scenes.
 */
package io.offsetlab.practices.failover;

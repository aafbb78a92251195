package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * §5 committed offsets on a single replica (offsets.topic.replication.factor=1, as on a laptop
 * broker and on the lab's own): they live and die with one broker's disk. The scene:
 * <ol>
 *   <li>a topic of {@value #RECORDS} records, with 3 replicas: the records survive;</li>
 *   <li>one group per auto.offset.reset policy reads them and commits {@value #COMMITTED} (it
 *       processed offsets 0 to 59);</li>
 *   <li>the broker that holds their partition of __consumer_offsets is killed. Once the
 *       controller has fenced it (broker.session.timeout.ms), that partition has no leader;</li>
 *   <li>the broker's data directory is deleted (a lost disk) and the broker started again. It
 *       shut down uncleanly, so the controller takes it out of the partition's eligible leader
 *       replicas (KIP-966; {@code ReplicationControlManager.handleBrokerShutdown}). Whether it
 *       becomes the partition's leader again by itself is a race inside Kafka: it does when its
 *       new directory's assignment reaches the controller after the broker is unfenced
 *       ({@code ReplicationControlManager.handleAssignReplicasToDirs} elects then), and otherwise
 *       the partition stays offline, and no group on it can read or commit offsets;</li>
 *   <li>if it is still offline after {@link #HOLD_OFFLINE}, the operator runs an unclean leader
 *       election ({@code kafka-leader-election.sh --election-type unclean}, here
 *       {@code Admin.electLeaders}). When the broker became the leader by itself in between, the
 *       controller answers that no election is needed; like the command, the scene then checks
 *       the leader again and says that the partition came back by itself. Either way the broker
 *       leads the partition again, empty;</li>
 *   <li>each group starts again, finds no committed offset, and its policy decides:
 *       earliest reads the 60 processed records again, latest skips the 40 that were not.</li>
 * </ol>
 * The scene waits for the fencing before it restarts the broker, because a real lost disk takes
 * longer to replace than broker.session.timeout.ms. The groups' side (stages 2 and 6) is
 * {@link GroupPerPolicy}; the leaders of __consumer_offsets and stage 5 are {@link OffsetsTopicLeaders}.
 */
public final class SingleReplicaLoss {

    static final int RECORDS = 100;
    static final long COMMITTED = 60;
    /** Written once the groups are back, so that latest, which starts at the end, reads something. */
    static final int NEW_RECORDS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** How long the scene waits, with the node back, for its partitions to get a leader by themselves. */
    static final Duration HOLD_OFFLINE = Duration.ofSeconds(5);

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;
    private final OffsetsTopicLeaders leaders;

    public SingleReplicaLoss(Cluster cluster, Admin admin, Timeline timeline) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
        this.leaders = new OffsetsTopicLeaders(admin, timeline);
    }

    /** The scene, its stages numbered as in the class comment; one group per policy in {@code policies}. */
    public Result run(List<String> policies) throws Exception {
        String topic = "s5-one-replica-" + UUID.randomUUID().toString().substring(0, 8);
        TopicPartition tp = new TopicPartition(topic, 0);
        Topics.create(admin, new NewTopic(topic, 1, (short) 3)); // the records have 3 copies; the offsets have 1
        GroupPerPolicy groups = new GroupPerPolicy(cluster, admin, timeline, tp, policies);
        groups.produce(0, RECORDS); // stage 1
        List<Long> before = groups.processAndCommit(); // stage 2
        timeline.event("groups", groups.size() + " groups processed offsets 0-" + (COMMITTED - 1) + " of " + RECORDS
                + ", committed " + before.stream().map(String::valueOf).distinct().collect(Collectors.joining(" and ")));
        Set<Integer> coordinators = groups.coordinators();
        List<TopicPartition> lost = new ArrayList<>();
        for (int node : coordinators) {
            lost.addAll(loseTheDiskOf(node)); // stages 3 and 4
        }
        Recovery recovery = leaders.recover(lost); // stage 5
        int leader = leaders.leaderOf(lost);
        List<Long> after = groups.committedNow();
        return new Result(coordinators.iterator().next(), lost, recovery, leader, groups.restart(before, after)); // stage 6
    }

    /**
     * Kills {@code node}, waits until the controller has fenced it (its partitions of
     * __consumer_offsets have no leader then), deletes its data and starts it again.
     * Returns the partitions of __consumer_offsets it was the only replica of.
     */
    private List<TopicPartition> loseTheDiskOf(int node) {
        List<TopicPartition> itsOffsets = leaders.ledBy(node);
        if (itsOffsets.isEmpty()) {
            throw new IllegalStateException("node " + node + " coordinates a group but leads no partition of __consumer_offsets");
        }
        String names = OffsetsTopicLeaders.names(itsOffsets);
        cluster.kill(node);
        timeline.event("cluster", "killed node " + node + ", the only replica of " + names);
        Wait.until("the controller to fence node " + node, TIMEOUT, () -> leaders.haveNoLeader(itsOffsets));
        timeline.event("cluster", "controller fenced node " + node + ": " + names + " has no leader");
        cluster.wipeData(node);
        cluster.restart(node);
        // The cluster's metadata (describeCluster) leaves out fenced brokers; no answer yet: not known to be back.
        Wait.until("node " + node + " to be unfenced", TIMEOUT, () -> Cluster.lists(admin, node).orElse(false));
        timeline.event("cluster", "node " + node + " back, with an empty disk (data directory deleted)");
        return itsOffsets;
    }

    /**
     * What the cluster and each group went through.
     *
     * @param coordinator       the node whose disk was lost
     * @param offsetsPartitions the partitions of __consumer_offsets that node held, alone
     * @param recovery          how they got a leader again
     * @param leaderAfter       their leader at the end
     */
    public record Result(int coordinator, List<TopicPartition> offsetsPartitions, Recovery recovery,
                         int leaderAfter, List<Outcome> outcomes) {
    }

    /**
     * What one group went through.
     *
     * @param committedBefore its committed offset before the disk was lost, read back from its coordinator
     * @param committedAfter  its committed offset once its coordinator was back; null: none
     * @param reRead          records read again that it had processed before (offsets below 60)
     * @param skipped         records it had not processed and never read (60 to 99)
     */
    public record Outcome(String policy, Long committedBefore, Long committedAfter, long startedAt, int read, int reRead,
                          int skipped) {
    }

    /** How the partitions of __consumer_offsets got their leader back, the node being back. */
    public enum Recovery {
        /** By themselves, within {@link #HOLD_OFFLINE}. */
        BY_ITSELF("back by itself, empty"),
        /**
         * By themselves, but only after the check at {@link #HOLD_OFFLINE}: the unclean election
         * asked for then was answered with ElectionNotNeededException.
         */
        BY_ITSELF_AFTER_THE_CHECK("back by itself just after the " + HOLD_OFFLINE.toSeconds()
                + " s check (the unclean election was not needed), empty"),
        /** Offline until the unclean election made the node their leader. */
        UNCLEAN_ELECTION("offline until an unclean election");

        private final String text;

        Recovery(String text) {
            this.text = text;
        }

        /** What happened, for a figure or a line of output. */
        public String text() {
            return text;
        }
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.RunningReaders.Reading;
import io.offsetlab.practices.failover.TruncatedGroups.Restart;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * §1 and §5 an offset can come to name a different record: the log is truncated after an unclean
 * leader election, and new records take the lost records' offsets. On a 3-node cluster, a topic
 * of 1 partition on 2 of the nodes (the leader L and the follower F), min.insync.replicas=1:
 * <ol>
 *   <li>{@value #BASE} records written with acks=all: both replicas have offsets 0-9;</li>
 *   <li>F is stopped, as for maintenance: its controlled shutdown takes it out of the ISR at once
 *       (a killed F would stay in it until its broker session timed out). The ISR is [L] alone,
 *       which min.insync=1 allows;</li>
 *   <li>{@value #LOST} records written with acks=1 (offsets 10-14): only L has them. A consumer reads
 *       all 15 and commits 15 with the leader epoch of its last record (KIP-320); other groups get
 *       the same commit, with and without the epoch. Other consumers, one per policy, read all 15
 *       too and keep polling through the stages below ({@link RunningReaders});</li>
 *   <li>L is killed (for a moment 2 of the 3 controllers are down), F started again: it cannot
 *       fetch from L. Once L is fenced the partition has no leader; with eligible leader replicas
 *       (KIP-966, on in a new 4.x cluster) its ISR is empty and its ELR [L];</li>
 *   <li>the operator elects F, which lacks offsets 10-14, with an unclean election (Admin
 *       electLeaders, as kafka-leader-election.sh --election-type unclean): F is in neither the
 *       ISR nor the ELR, so only an unclean election can pick it ({@code PartitionChangeBuilder.electAnyLeader});</li>
 *   <li>{@value #NEW_FIRST} new records take offsets 10-12. The log ends at 13, before the committed
 *       15: one group per policy and commit restarts (wave 1);</li>
 *   <li>{@value #NEW_MORE} more take 13-17. L starts again, finds that its log diverged and truncates
 *       it to 10 (its fetcher's diverging epoch, {@code AbstractFetcherThread.truncateOnFetchResponse}),
 *       then copies F's records; a preferred election makes it leader again, and at offsets 10-14 it
 *       now holds the new records;</li>
 *   <li>the log ends at 18, past the committed 15: the other groups restart (wave 2).</li>
 * </ol>
 * The groups' side is {@link TruncatedGroups}; the partition's, {@link OnePartition}.
 */
public final class LogTruncation {

    public static final int BASE = 10;
    static final int LOST = 5;
    static final int NEW_FIRST = 3;
    static final int NEW_MORE = 5;
    static final List<String> POLICIES = List.of("earliest", "latest", "none");

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;

    public LogTruncation(Cluster cluster, Admin admin, Timeline timeline) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
    }

    /** The scene, its stages numbered as in the class comment; the groups use group.protocol {@code protocol}. */
    public Result run(String protocol) throws Exception {
        String topic = "s5-truncation-" + UUID.randomUUID().toString().substring(0, 8);
        int leader = cluster.nodeIds().get(0);
        int follower = cluster.nodeIds().get(1);
        Topics.create(admin, new NewTopic(topic, Map.of(0, List.of(leader, follower))).configs(Map.of(
                "min.insync.replicas", "1", // one replica is enough to acknowledge acks=all (the broker default)
                "unclean.leader.election.enable", "false"))); // the default: only an operator elects uncleanly
        OnePartition partition = new OnePartition(cluster, admin, new TopicPartition(topic, 0));
        TruncatedGroups groups = new TruncatedGroups(cluster, admin, timeline, partition.tp, protocol);
        short elr = partition.featureLevel("eligible.leader.replicas.version");
        timeline.event("cluster", topic + "-0 on nodes " + leader + " (leader) and " + follower
                + "; eligible.leader.replicas.version=" + elr);
        partition.produce("base", 0, BASE, "all"); // stage 1
        cluster.stop(follower); // stage 2
        partition.awaitState("node " + follower + " out of the ISR", p -> OnePartition.ids(p.isr()).equals(List.of(leader)));
        timeline.event("cluster", "stopped node " + follower + " (controlled shutdown): " + partition.state());
        partition.produce("lost", BASE, LOST, "1"); // stage 3
        Map<Long, String> before = partition.read(BASE);
        OffsetAndMetadata committed = groups.readAndCommit(topic + "-reader", BASE + LOST);
        List<String> wave1 = commitForWave(groups, topic + "-w1", committed);
        List<String> wave2 = commitForWave(groups, topic + "-w2", committed);
        try (RunningReaders running = new RunningReaders(cluster, partition.tp, protocol)) { // stopped even if a stage fails
            running.startAndRead(POLICIES, BASE + LOST);
            timeline.event("consumer", POLICIES.size() + " consumers (assign(), one per policy) read offsets 0-" + (BASE + LOST - 1)
                    + " and keep polling");
            cluster.kill(leader); // stage 4
            cluster.restart(follower);
            TopicPartitionInfo leaderless = partition.awaitState("node " + leader + " fenced", p -> p.leader() == null);
            timeline.event("cluster", "killed node " + leader + ", started node " + follower + ": " + partition.state());
            electUncleanly(partition); // stage 5
            partition.awaitState("node " + follower + " leads", p -> OnePartition.leaderOf(p) == follower);
            timeline.event("admin", "unclean election: " + partition.state());
            long firstEnd = partition.produce("new", BASE, NEW_FIRST, "all") + 1; // stage 6
            List<Restart> first = restart(groups, wave1, firstEnd);
            long end = partition.produce("new", BASE + NEW_FIRST, NEW_MORE, "all") + 1; // stage 7
            cluster.restart(leader);
            partition.awaitState("node " + leader + " back in the ISR", p -> OnePartition.ids(p.isr()).contains(leader));
            electPreferred(partition);
            partition.awaitState("node " + leader + " leads again", p -> OnePartition.leaderOf(p) == leader);
            Map<Long, String> after = partition.read(BASE);
            timeline.event("cluster", "node " + leader + " back: " + partition.state() + "; offset " + BASE + " was "
                    + before.get((long) BASE) + ", now " + after.get((long) BASE));
            List<Restart> second = restart(groups, wave2, end); // stage 8
            List<Reading> kept = running.finish(end);
            kept.forEach(reading -> timeline.event("consumer", reading.text()));
            Leaderless whileLeaderless = new Leaderless(elr, OnePartition.ids(leaderless.isr()), OnePartition.ids(leaderless.elr()));
            return new Result(new Nodes(leader, follower), whileLeaderless, committed, new Log(before, after, end),
                    new Waves(firstEnd, first, second), kept);
        }
    }

    /** Gives the wave's groups, one per policy and per kind of commit, the reader's commit. */
    private static List<String> commitForWave(TruncatedGroups groups, String prefix, OffsetAndMetadata committed)
            throws Exception {
        List<String> names = new ArrayList<>();
        for (boolean withEpoch : List.of(true, false)) {
            for (String policy : POLICIES) {
                String group = prefix + (withEpoch ? "-epoch-" : "-plain-") + policy;
                groups.commitFor(group, withEpoch ? committed : new OffsetAndMetadata(committed.offset()));
                names.add(group);
            }
        }
        return names;
    }

    private List<Restart> restart(TruncatedGroups groups, List<String> names, long end) {
        List<Restart> restarts = new ArrayList<>();
        for (String group : names) {
            String policy = group.substring(group.lastIndexOf('-') + 1);
            Restart restart = groups.restart(group, policy, group.contains("-epoch-"), end);
            timeline.event("group", restart.text());
            restarts.add(restart);
        }
        return restarts;
    }

    /** kafka-leader-election.sh --election-type unclean: F becomes leader without the records only L had. */
    private void electUncleanly(OnePartition partition) throws Exception {
        Map<TopicPartition, Optional<Throwable>> answer = admin.electLeaders(ElectionType.UNCLEAN, Set.of(partition.tp))
                .partitions().get(30, TimeUnit.SECONDS);
        answer.get(partition.tp).ifPresent(error -> {
            throw new IllegalStateException("unclean election of " + partition.tp + " failed: " + error, error);
        });
    }

    /** kafka-leader-election.sh --election-type preferred; "not needed" when auto.leader.rebalance was first. */
    private void electPreferred(OnePartition partition) throws Exception {
        Map<TopicPartition, Optional<Throwable>> answer = admin.electLeaders(ElectionType.PREFERRED, Set.of(partition.tp))
                .partitions().get(30, TimeUnit.SECONDS);
        answer.get(partition.tp).filter(error -> !(error instanceof ElectionNotNeededException)).ifPresent(error -> {
            throw new IllegalStateException("preferred election of " + partition.tp + " failed: " + error, error);
        });
    }

    /**
     * What the scene saw, in named parts.
     *
     * @param nodes      which node led and which followed at the start
     * @param leaderless the partition's replicas once L was fenced
     * @param committed  the reader's commit: offset and leader epoch
     * @param log        the partition's records before the loss and at the end
     * @param waves      the groups that restarted, in two waves
     * @param running    the consumers that kept polling across the election, one per policy
     */
    public record Result(Nodes nodes, Leaderless leaderless, OffsetAndMetadata committed, Log log, Waves waves,
                         List<Reading> running) {
    }

    /** L and F: the partition's first leader and its follower. */
    public record Nodes(int leader, int follower) {
    }

    /**
     * The partition without a leader (describeTopics), once L was fenced.
     *
     * @param elrLevel the cluster's eligible.leader.replicas.version (1: KIP-966 on)
     * @param isr      the ISR then
     * @param elr      the ELR then
     */
    public record Leaderless(short elrLevel, List<Integer> isr, List<Integer> elr) {
    }

    /**
     * The partition's records, by offset.
     *
     * @param before offsets 10-14 before the loss, as L served them
     * @param after  offsets 10-17 at the end, as L serves them again
     * @param end    the log's end at the end
     */
    public record Log(Map<Long, String> before, Map<Long, String> after, long end) {

        /** The offsets that name a different record now than before: the lost range, reused. */
        public List<Long> reused() {
            return before.keySet().stream().filter(o -> after.containsKey(o) && !after.get(o).equals(before.get(o))).toList();
        }
    }

    /**
     * The groups that had the reader's commit and started again.
     *
     * @param firstEnd      the log's end when wave 1 started again (the end at wave 2 is {@link Log#end()})
     * @param logEndsBefore wave 1: when the log ended before the committed offset
     * @param logEndsPast   wave 2: when it ended past it
     */
    public record Waves(long firstEnd, List<Restart> logEndsBefore, List<Restart> logEndsPast) {
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.TruncatedGroups.Restart;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * §5 the contrast to {@link LogTruncation}: acks=all with min.insync.replicas=2 and no unclean
 * election. The same partition on L and F, the same stop and kill:
 * <ol>
 *   <li>{@value LogTruncation#BASE} records written; F is stopped: the ISR is [L], below 2;</li>
 *   <li>the next record is refused (NotEnoughReplicasException): the leader checks the ISR
 *       before it appends ({@code Partition.appendRecordsToLeader}), so no record exists on L alone;</li>
 *   <li>F is started again and back in the ISR; the {@value LogTruncation#LOST} records are written
 *       now, to both; a group reads all 15 and commits 15;</li>
 *   <li>L is killed: F, in the ISR, is elected cleanly. Offsets 10-14 hold the same records, and
 *       the group, its commit validated, goes on at 15.</li>
 * </ol>
 */
public final class NoTruncationWithAcksAll {

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;

    public NoTruncationWithAcksAll(Cluster cluster, Admin admin, Timeline timeline) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
    }

    /** The scene, its stages numbered as in the class comment; the group uses group.protocol {@code protocol}. */
    public Result run(String protocol) throws Exception {
        String topic = "s5-no-truncation-" + UUID.randomUUID().toString().substring(0, 8);
        int leader = cluster.nodeIds().get(0);
        int follower = cluster.nodeIds().get(1);
        Topics.create(admin, new NewTopic(topic, Map.of(0, List.of(leader, follower)))
                .configs(Map.of("min.insync.replicas", "2"))); // acks=all needs both replicas
        OnePartition partition = new OnePartition(cluster, admin, new TopicPartition(topic, 0));
        TruncatedGroups groups = new TruncatedGroups(cluster, admin, timeline, partition.tp, protocol);
        partition.produce("base", 0, LogTruncation.BASE, "all"); // stage 1
        cluster.stop(follower); // a controlled shutdown: out of the ISR at once
        partition.awaitState("node " + follower + " out of the ISR", p -> OnePartition.ids(p.isr()).equals(List.of(leader)));
        String refused = tryToWriteOne(partition); // stage 2
        timeline.event("producer", "acks=all with ISR [" + leader + "]: " + refused);
        cluster.restart(follower); // stage 3
        partition.awaitState("node " + follower + " back in the ISR", p -> OnePartition.ids(p.isr()).contains(follower));
        partition.produce("more", LogTruncation.BASE, LogTruncation.LOST, "all");
        Map<Long, String> before = partition.read(LogTruncation.BASE);
        OffsetAndMetadata committed = groups.readAndCommit(topic + "-reader", LogTruncation.BASE + LogTruncation.LOST);
        cluster.kill(leader); // stage 4
        partition.awaitState("node " + follower + " leads", p -> OnePartition.leaderOf(p) == follower);
        timeline.event("cluster", "killed node " + leader + ": " + partition.state() + " (a clean election)");
        Map<Long, String> after = partition.read(LogTruncation.BASE);
        Restart restart = groups.restart(topic + "-reader", "none", true, committed.offset());
        timeline.event("group", restart.text());
        return new Result(refused, before, after, committed, restart);
    }

    /** One record with acks=all and no retries, so that the broker's answer is what the producer reports. */
    private String tryToWriteOne(OnePartition partition) throws Exception {
        try {
            partition.produceOnce("refused", LogTruncation.BASE);
            return "written";
        } catch (ExecutionException e) {
            return "refused, " + e.getCause().getClass().getSimpleName();
        }
    }

    /**
     * @param refused   what became of the record written while F was down
     * @param before    offsets 10-14 before L was killed
     * @param after     the same offsets once F leads
     * @param committed the group's commit
     * @param restart   the group starting again from it with policy none
     */
    public record Result(String refused, Map<Long, String> before, Map<Long, String> after, OffsetAndMetadata committed,
                         Restart restart) {
    }
}

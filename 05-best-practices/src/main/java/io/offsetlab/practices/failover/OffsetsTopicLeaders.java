package io.offsetlab.practices.failover;

import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.SingleReplicaLoss.Recovery;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * §5.6 who leads the partitions of {@code __consumer_offsets}, as Admin {@code describeTopics}
 * tells, and how the partitions that a lost disk took get a leader back ({@link #recover}, stage
 * 5 of {@link SingleReplicaLoss}):
 * <ol>
 *   <li>their only replica being back, they are given {@link SingleReplicaLoss#HOLD_OFFLINE} to
 *       get a leader by themselves;</li>
 *   <li>if they have none then, the operator runs an unclean leader election
 *       ({@code kafka-leader-election.sh --election-type unclean}, here Admin
 *       {@code electLeaders}); a partition answered with ElectionNotNeededException got its
 *       leader by itself in between.</li>
 * </ol>
 */
final class OffsetsTopicLeaders {

    private static final String OFFSETS_TOPIC = "__consumer_offsets";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Admin admin;
    private final Timeline timeline;

    OffsetsTopicLeaders(Admin admin, Timeline timeline) {
        this.admin = admin;
        this.timeline = timeline;
    }

    /** Admin describeTopics: each partition of __consumer_offsets with its leader (none while fenced), ISR and ELR. */
    private List<TopicPartitionInfo> describeOffsetsTopic() {
        try {
            return admin.describeTopics(List.of(OFFSETS_TOPIC)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(OFFSETS_TOPIC).partitions();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + OFFSETS_TOPIC + ": " + e.getMessage(), e);
        }
    }

    /** The same for {@code partitions} only. */
    private List<TopicPartitionInfo> describe(List<TopicPartition> partitions) {
        return describeOffsetsTopic().stream()
                .filter(p -> partitions.contains(new TopicPartition(OFFSETS_TOPIC, p.partition()))).toList();
    }

    /** The partitions of __consumer_offsets that {@code node} leads. */
    List<TopicPartition> ledBy(int node) {
        return describeOffsetsTopic().stream().filter(p -> p.leader() != null && p.leader().id() == node)
                .map(p -> new TopicPartition(OFFSETS_TOPIC, p.partition())).toList();
    }

    /** How {@code partitions}, their only replica back and empty, got a leader again. */
    Recovery recover(List<TopicPartition> partitions) throws Exception {
        return getALeaderWithin(SingleReplicaLoss.HOLD_OFFLINE, partitions) ? Recovery.BY_ITSELF : electUncleanly(partitions);
    }

    /**
     * Whether every partition gets a leader within {@code time}, its only replica being back.
     * Polls for the whole time when they do not: the time is the behaviour.
     */
    private boolean getALeaderWithin(Duration time, List<TopicPartition> partitions) throws Exception {
        long end = System.nanoTime() + time.toNanos();
        do {
            if (haveALeader(partitions)) {
                timeline.event("cluster", "node " + leaderOf(partitions) + " leads " + names(partitions)
                        + " again, by itself, empty");
                return true;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        TopicPartitionInfo first = describe(partitions).get(0);
        timeline.event("cluster", names(partitions) + " still offline " + time.toSeconds() + " s later (no leader, ISR "
                + ids(first.isr()) + ", ELR " + ids(first.elr()) + "): its groups cannot read or commit offsets");
        return false;
    }

    /**
     * What an operator does: kafka-leader-election.sh --election-type unclean. The answer is per
     * partition. Like the command ("Valid replica already elected for partitions ..."), a
     * partition answered with ElectionNotNeededException has a leader already: it got one by
     * itself after the check. Any other error fails the scene. Then it checks the leaders again.
     */
    private Recovery electUncleanly(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, Optional<Throwable>> answers = admin.electLeaders(ElectionType.UNCLEAN, Set.copyOf(partitions))
                .partitions().get(30, TimeUnit.SECONDS);
        List<TopicPartition> elected = new ArrayList<>();
        List<TopicPartition> notNeeded = new ArrayList<>();
        for (Map.Entry<TopicPartition, Optional<Throwable>> answer : answers.entrySet()) {
            Throwable error = answer.getValue().orElse(null);
            if (error == null) {
                elected.add(answer.getKey());
            } else if (error instanceof ElectionNotNeededException) {
                notNeeded.add(answer.getKey());
            } else {
                throw new IllegalStateException("unclean leader election of " + answer.getKey() + " failed: " + error, error);
            }
        }
        Wait.until("a leader for " + names(partitions), TIMEOUT, () -> haveALeader(partitions));
        if (!notNeeded.isEmpty()) {
            timeline.event("admin", "unclean leader election not needed (ElectionNotNeededException): node "
                    + leaderOf(notNeeded) + " leads " + names(notNeeded) + " again, by itself, empty");
        }
        if (!elected.isEmpty()) {
            timeline.event("admin", "unclean leader election: node " + leaderOf(elected) + " leads "
                    + names(elected) + " again, empty");
        }
        return elected.isEmpty() ? Recovery.BY_ITSELF_AFTER_THE_CHECK : Recovery.UNCLEAN_ELECTION;
    }

    /** The leader of the first of {@code partitions}; -1 when it has none. */
    int leaderOf(List<TopicPartition> partitions) {
        TopicPartitionInfo first = describe(partitions).get(0);
        return first.leader() == null ? -1 : first.leader().id();
    }

    private boolean haveALeader(List<TopicPartition> partitions) {
        return describe(partitions).stream().allMatch(i -> i.leader() != null);
    }

    /** Whether none of {@code partitions} has a leader: their only replica is fenced. */
    boolean haveNoLeader(List<TopicPartition> partitions) {
        try {
            return describe(partitions).stream().allMatch(i -> i.leader() == null);
        } catch (IllegalStateException e) {
            return false; // no answer yet, while the cluster elects a new controller
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    static String names(List<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(", "));
    }
}

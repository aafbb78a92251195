package io.offsetlab.practices.failover;

import io.offsetlab.lab.client.GroupCoordinator;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
 * longer to replace than broker.session.timeout.ms.
 */
public final class SingleReplicaLoss {

    static final int RECORDS = 100;
    static final long COMMITTED = 60;
    /** Written once the groups are back, so that latest, which starts at the end, reads something. */
    static final int NEW_RECORDS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

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

    /** How long the scene waits, with the node back, for its partitions to get a leader by themselves. */
    static final Duration HOLD_OFFLINE = Duration.ofSeconds(5);
    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;

    public SingleReplicaLoss(Cluster cluster, Admin admin, Timeline timeline) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
    }

    public Result run(List<String> policies) throws Exception {
        String topic = "s5-one-replica-" + UUID.randomUUID().toString().substring(0, 8);
        TopicPartition tp = new TopicPartition(topic, 0);
        Topics.create(admin, new NewTopic(topic, 1, (short) 3)); // the records have 3 copies; the offsets have 1
        produce(tp, 0, RECORDS);
        List<String> groups = policies.stream().map(p -> topic + "-" + p.replace(':', '-')).toList();
        List<Long> before = new ArrayList<>();
        for (String group : groups) {
            processAndCommit(group, tp);
            before.add(awaitCommitted(group, tp)); // what the coordinator has, not what the scene meant to commit
        }
        timeline.event("groups", groups.size() + " groups processed offsets 0-" + (COMMITTED - 1) + " of " + RECORDS
                + ", committed " + before.stream().map(String::valueOf).distinct().collect(Collectors.joining(" and ")));
        Set<Integer> coordinators = new LinkedHashSet<>();
        for (String group : groups) {
            coordinators.add(GroupCoordinator.nodeOf(admin, group));
        }
        List<TopicPartition> lost = new ArrayList<>();
        for (int node : coordinators) {
            lost.addAll(loseTheDiskOf(node));
        }
        Recovery recovery = getALeaderWithin(HOLD_OFFLINE, lost) ? Recovery.BY_ITSELF : electUncleanly(lost);
        int leader = leaderOf(lost);
        List<Long> after = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            after.add(awaitCommitted(groups.get(i), tp));
            timeline.event("admin", policies.get(i) + " group: committed offset " + (after.get(i) == null ? "none" : after.get(i)));
        }
        return new Result(coordinators.iterator().next(), lost, recovery, leader,
                restart(groups, policies, before, after, tp));
    }

    /**
     * Kills {@code node}, waits until the controller has fenced it (its partitions of
     * __consumer_offsets have no leader then), deletes its data and starts it again.
     * Returns the partitions of __consumer_offsets it was the only replica of.
     */
    private List<TopicPartition> loseTheDiskOf(int node) throws Exception {
        List<TopicPartition> itsOffsets = offsetsPartitions(p -> p.leader() != null && p.leader().id() == node);
        if (itsOffsets.isEmpty()) {
            throw new IllegalStateException("node " + node + " coordinates a group but leads no partition of " + OFFSETS_TOPIC);
        }
        cluster.kill(node);
        timeline.event("cluster", "killed node " + node + ", the only replica of " + names(itsOffsets));
        Wait.until("the controller to fence node " + node, TIMEOUT, () -> haveNoLeader(itsOffsets));
        timeline.event("cluster", "controller fenced node " + node + ": " + names(itsOffsets) + " has no leader");
        cluster.wipeData(node);
        cluster.restart(node);
        Wait.until("node " + node + " to be unfenced", TIMEOUT, () -> isUnfenced(node));
        timeline.event("cluster", "node " + node + " back, with an empty disk (data directory deleted)");
        return itsOffsets;
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
        TopicPartitionInfo first = offsetsPartitionInfos(partitions).get(0);
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
    private int leaderOf(List<TopicPartition> partitions) {
        TopicPartitionInfo first = offsetsPartitionInfos(partitions).get(0);
        return first.leader() == null ? -1 : first.leader().id();
    }

    private boolean haveALeader(List<TopicPartition> partitions) {
        return offsetsPartitionInfos(partitions).stream().allMatch(i -> i.leader() != null);
    }

    /** Whether none of {@code partitions} has a leader: their only replica is fenced. */
    private boolean haveNoLeader(List<TopicPartition> partitions) {
        try {
            return offsetsPartitionInfos(partitions).stream().allMatch(i -> i.leader() == null);
        } catch (IllegalStateException e) {
            return false; // no answer yet, while the cluster elects a new controller
        }
    }

    /** Whether the cluster's metadata lists {@code node}: it leaves out fenced brokers. */
    private boolean isUnfenced(int node) {
        return Cluster.lists(admin, node).orElse(false); // no answer yet: not known to be back
    }

    private List<TopicPartition> offsetsPartitions(Predicate<TopicPartitionInfo> which) {
        return describeOffsetsTopic().stream().filter(which)
                .map(p -> new TopicPartition(OFFSETS_TOPIC, p.partition())).toList();
    }

    private List<TopicPartitionInfo> offsetsPartitionInfos(List<TopicPartition> partitions) {
        return describeOffsetsTopic().stream()
                .filter(p -> partitions.contains(new TopicPartition(OFFSETS_TOPIC, p.partition()))).toList();
    }

    private List<TopicPartitionInfo> describeOffsetsTopic() {
        try {
            return admin.describeTopics(List.of(OFFSETS_TOPIC)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(OFFSETS_TOPIC).partitions();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + OFFSETS_TOPIC + ": " + e.getMessage(), e);
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static String names(List<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(", "));
    }

    /** A consumer of {@code group} reads the records, processes the first 60 and commits 60 (the next to read). */
    private void processAndCommit(String group, TopicPartition tp) {
        try (KafkaConsumer<String, String> consumer = consumer(group, "earliest")) {
            consumer.subscribe(List.of(tp.topic()));
            Polling.pollAtLeast(consumer, (int) COMMITTED, TIMEOUT);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(COMMITTED)));
        }
    }

    /** The group's committed offset once its coordinator answers again; null when it has none. */
    private Long awaitCommitted(String group, TopicPartition tp) {
        Long[] committed = new Long[1];
        Wait.until("the coordinator of " + group + " to answer", TIMEOUT, () -> {
            try {
                OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS).get(tp);
                committed[0] = offset == null ? null : offset.offset();
                return true;
            } catch (Exception e) {
                return false; // its new leader is still loading the (empty) partition
            }
        });
        return committed[0];
    }

    /**
     * Each group's consumer starts again with its policy; once all of them are placed, 5 new
     * records are written. What did each read?
     */
    private List<Outcome> restart(List<String> groups, List<String> policies, List<Long> committedBefore,
                                  List<Long> committedAfter, TopicPartition tp)
            throws Exception {
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        try {
            List<List<ConsumerRecord<String, String>>> read = new ArrayList<>();
            List<Long> startedAt = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                KafkaConsumer<String, String> consumer = consumer(groups.get(i), policies.get(i));
                consumers.add(consumer);
                consumer.subscribe(List.of(tp.topic()));
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                read.add(records);
                Polling.pollUntil(consumer, TIMEOUT, batch -> batch.forEach(records::add), () -> !consumer.assignment().isEmpty());
                startedAt.add(records.isEmpty() ? consumer.position(tp) : records.get(0).offset());
            }
            produce(tp, RECORDS, NEW_RECORDS);
            long last = RECORDS + NEW_RECORDS - 1;
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                List<ConsumerRecord<String, String>> records = read.get(i);
                Polling.pollUntil(consumers.get(i), TIMEOUT, batch -> batch.forEach(records::add),
                        () -> !records.isEmpty() && records.get(records.size() - 1).offset() == last);
                int reRead = (int) records.stream().filter(r -> r.offset() < COMMITTED).count();
                int skipped = (int) (RECORDS - COMMITTED
                        - records.stream().filter(r -> r.offset() >= COMMITTED && r.offset() < RECORDS).count());
                timeline.event("groups", policies.get(i) + " group: started at " + startedAt.get(i) + ", read " + reRead
                        + " processed records again, skipped " + skipped);
                outcomes.add(new Outcome(policies.get(i), committedBefore.get(i), committedAfter.get(i), startedAt.get(i), records.size(),
                        reRead, skipped));
            }
            return outcomes;
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    private KafkaConsumer<String, String> consumer(String group, String policy) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // only the scene's own commit
        return new KafkaConsumer<>(config);
    }

    private void produce(TopicPartition tp, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(cluster))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "key-" + i, "record-" + i)).get();
            }
        }
    }
}

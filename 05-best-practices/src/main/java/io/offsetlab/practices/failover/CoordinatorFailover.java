package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.GroupCoordinator;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.ProcessedLog;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.KafkaLogLines.Kind;
import io.offsetlab.lab.run.KafkaLogLines.Line;
import io.offsetlab.lab.run.KafkaLogLines;
import io.offsetlab.lab.run.Report;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.FailoverResult.Commits;
import io.offsetlab.practices.failover.FailoverResult.Failover;
import io.offsetlab.practices.failover.FailoverResult.Records;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * §5 committed offsets are data in {@code __consumer_offsets}: as safe as that topic's
 * replicas, and the consumer must live through the death of its group coordinator (the broker
 * that leads the group's partition of {@code __consumer_offsets}). The scene:
 * <ol>
 *   <li>a producer writes {@value #RECORDS} records, {@value #PER_TICK} every 100 ms, to a topic
 *       of {@value #PARTITIONS} partitions with 3 replicas each (min.insync.replicas=2, acks=all);</li>
 *   <li>a {@link LoopConsumer} (commit every 100, on revocation, on shutdown) reads them in its
 *       own JVM;</li>
 *   <li>after {@value #KILL_AFTER} processed records, the group's coordinator is found (Admin
 *       describeConsumerGroups) and its node killed like a crash (SIGKILL);</li>
 *   <li>the run goes on until every record written is processed; then the consumer shuts down
 *       (its last commit), and the scene counts what was lost, read twice, and how long the
 *       group could not commit.</li>
 * </ol>
 * The cluster's offsets topic needs its replicas (offsets.topic.replication.factor=3, Kafka's
 * default) for nothing to be lost; {@link SingleReplicaLoss} shows the other case.
 */
public final class CoordinatorFailover {

    static final int PARTITIONS = 3;
    static final int RECORDS = 9000;
    static final int PER_TICK = 100;
    static final int KILL_AFTER = 3000;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;
    private final Path workDir;

    public CoordinatorFailover(Cluster cluster, Admin admin, Timeline timeline, Path workDir) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
        this.workDir = workDir;
    }

    /**
     * One run with a consumer of {@code protocol}, on a new topic and group; the killed node stays
     * down. Returns what the run saw, in named parts ({@link FailoverResult}).
     */
    public FailoverResult run(String protocol) throws Exception {
        String topic = "s5-failover-" + UUID.randomUUID().toString().substring(0, 8);
        String group = topic + "-" + protocol;
        // 3 copies of every partition, and a write counts only once 2 have it: one node may die.
        Topics.create(admin, new NewTopic(topic, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2")));
        Path log = workDir.resolve(group + ".log");
        try (SteadyProducer producer = SteadyProducer.start(cluster, topic, PARTITIONS, RECORDS, PER_TICK);
             ChildJvm consumer = ChildJvm.start(cluster, LoopConsumer.class, topic, group, protocol, log.toString())) {
            timeline.event("producer", "writes " + RECORDS + " records, " + PER_TICK + " every 100 ms, to " + PARTITIONS
                    + " partitions, 3 replicas each");
            awaitProcessed(consumer, log, KILL_AFTER);
            int coordinator = GroupCoordinator.nodeOf(admin, group);
            boolean controller = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId() == coordinator;
            Map<TopicPartition, Long> before = OffsetProbe.committed(admin, group);
            List<String> processedAtKill = ProcessedLog.read(log);
            long killing = System.currentTimeMillis();
            cluster.kill(coordinator); // returns once the node is gone
            long killedAt = System.currentTimeMillis();
            long uncommitted = ProcessedLog.pastCommitted(processedAtKill, before);
            timeline.eventAt(killing, "cluster", "killed node " + coordinator + ", the coordinator" + (controller
                    ? " and active controller" : "") + " (SIGKILL)");
            timeline.eventAt(killing, "", "at that moment: " + processedAtKill.size() + " processed, " + sum(before) + " committed");
            int newCoordinator = awaitNewCoordinator(group, coordinator);
            long found = System.currentTimeMillis();
            Map<TopicPartition, Long> adminRead = OffsetProbe.committed(admin, group);
            Map<TopicPartition, Long> after = OffsetProbe.committedAsConsumerSees(admin, group);
            timeline.event("admin", "node " + newCoordinator + " is the coordinator now; it has the commits: " + sum(after)
                    + " (" + sum(before) + " at the kill)");
            long trailed = behind(adminRead, before) ? awaitDefaultReadHas(group, before) - found : 0;
            if (trailed > 0) {
                timeline.event("admin", "kafka-consumer-groups' read (requireStable=false) showed " + sum(adminRead)
                        + " at first;");
                timeline.event("", "the new leader's high watermark caught up " + trailed + " ms later");
            }
            int produced = producer.awaitAcked(TIMEOUT);
            timeline.event("producer", produced + " records written and acknowledged, " + producer.failed() + " failed");
            awaitProcessed(consumer, log, produced);
            consumer.terminate(); // SIGTERM: wakeup, the last commit, close
            consumer.waitFor(TIMEOUT);
            List<String> lines = ProcessedLog.read(log);
            timeline.event("consumer", "all " + produced + " processed; shut down (commit, close)");
            Failover failover = new Failover(coordinator, controller, killedAt, newCoordinator,
                    firstCommitAfter(consumer, killedAt) - killedAt);
            Commits commits = Commits.beforeKill(before)
                    .afterFailover(after)
                    .adminReadAfterFailover(adminRead, trailed)
                    .atEnd(OffsetProbe.committed(admin, group))
                    .endOffsets(endOffsets(topic))
                    .build();
            Records records = new Records(produced, lines.size(), new HashSet<>(lines).size(), uncommitted);
            return new FailoverResult(protocol, failover, commits, records, KafkaLogLines.coordinatorLines(consumer.output()));
        }
    }

    /**
     * Puts what the client went through after the kill on the timeline, at the times it logged
     * it: repeats of the same line are told once, with how often and until when.
     */
    public void showClientEvents(FailoverResult r) {
        Failover failover = r.failover();
        Map<Long, String> lines = new TreeMap<>(); // by time
        List<Line> lost = r.afterKill(Kind.COORDINATOR_LOST);
        if (!lost.isEmpty()) {
            lines.put(lost.get(0).atMillis(), "lost coordinator node " + lost.get(0).node() + " (" + lost.get(0).detail()
                    + "): asks FindCoordinator again");
        }
        List<Line> dead = r.afterKill(Kind.COORDINATOR_FOUND).stream().filter(e -> e.node() == failover.killedNode()).toList();
        if (!dead.isEmpty()) {
            lines.put(dead.get(dead.size() - 1).atMillis(), "FindCoordinator named dead node " + failover.killedNode() + " "
                    + dead.size() + " times: not fenced yet");
        }
        r.afterKill(Kind.COMMIT_FAILED).stream().collect(Collectors.groupingBy(Line::detail)).forEach((error, events) ->
                lines.merge(events.get(0).atMillis(), "commit failed, retried (" + events.size() + "x): " + error, (a, b) -> a));
        if (r.newCoordinatorFoundAt() != null) {
            lines.merge(r.newCoordinatorFoundAt(), "found the new coordinator, node " + failover.newCoordinator(), (a, b) -> a);
        }
        lines.forEach((at, line) -> timeline.eventAt(at, "client", line));
        timeline.eventAt(failover.killedAtMillis() + failover.stallMillis(), "consumer", "first commit after the kill, "
                + failover.stallMillis() + " ms after it");
    }

    private void awaitProcessed(ChildJvm consumer, Path log, int count) {
        Wait.until(count + " records processed", TIMEOUT, () -> {
            if (!consumer.isAlive()) {
                throw new IllegalStateException("the consumer exited:\n" + consumer.output());
            }
            return new HashSet<>(ProcessedLog.read(log)).size() >= count;
        });
    }

    private int awaitNewCoordinator(String group, int dead) {
        int[] found = new int[1];
        Wait.until("a new coordinator for " + group, TIMEOUT, () -> {
            try {
                found[0] = GroupCoordinator.nodeOf(admin, group);
                return found[0] != dead;
            } catch (Exception e) {
                return false; // none yet: the partition of __consumer_offsets has no leader
            }
        });
        return found[0];
    }

    /** Waits until Admin's default read shows every offset of {@code before}; returns when it did. */
    private long awaitDefaultReadHas(String group, Map<TopicPartition, Long> before) {
        Wait.until("the new coordinator to show the commits made before the kill", Duration.ofSeconds(30),
                () -> !behind(OffsetProbe.committed(admin, group), before));
        return System.currentTimeMillis();
    }

    /** Whether {@code read} lacks an offset of {@code before} or has an older one. */
    static boolean behind(Map<TopicPartition, Long> read, Map<TopicPartition, Long> before) {
        return before.entrySet().stream().anyMatch(e -> read.getOrDefault(e.getKey(), -1L) < e.getValue());
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
        return OffsetProbe.offsets(admin, partitions, OffsetSpec.latest());
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** When the first commit sent after the kill returned, as the consumer reported it. */
    private static long firstCommitAfter(ChildJvm consumer, long killedAt) {
        for (Report commit : consumer.reports(LoopConsumer.COMMITTED)) {
            if (commit.number("started") >= killedAt) {
                return commit.number("done");
            }
        }
        throw new IllegalStateException("the consumer committed nothing after the kill:\n" + consumer.output());
    }
}

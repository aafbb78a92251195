package io.offsetlab.practices;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.LocalMachine;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.CoordinatorFailover;
import io.offsetlab.practices.failover.FailoverResult;
import io.offsetlab.practices.failover.LogTruncation;
import io.offsetlab.practices.failover.NoTruncationWithAcksAll;
import io.offsetlab.practices.failover.RunningReaders.Reading;
import io.offsetlab.practices.failover.SingleReplicaLoss.Outcome;
import io.offsetlab.practices.failover.SingleReplicaLoss;
import io.offsetlab.practices.failover.TruncatedGroups.Restart;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * §5 避免 Kafka Offset 丢失的最佳实践, when a broker dies: committed offsets are records of the
 * internal topic {@code __consumer_offsets}, as safe as its replicas. On a 3-node cluster the
 * demo starts (one process per node, so that a node can be killed like a crash):
 * <ol>
 *   <li>§5.5 the group coordinator dies mid-stream, with 3 replicas of the offsets (Kafka's
 *       default): nothing is lost; the timeline shows how long the group could not commit, and
 *       what its client went through ({@link CoordinatorFailover});</li>
 *   <li>§5 and §1 on the same cluster, an offset comes to name a different record: records written
 *       with acks=1 that only the leader had are lost in an unclean election, new records take their
 *       offsets; what groups that had committed past them do ({@link LogTruncation}), and the same stop
 *       and kill with acks=all and min.insync.replicas=2 ({@link NoTruncationWithAcksAll});</li>
 *   <li>§5.6 a second cluster with 1 replica of the offsets (a laptop broker's setting): the
 *       coordinator's disk is lost, and with it the offsets (sometimes the groups are stuck until an
 *       unclean leader election first); earliest reads again, latest skips ({@link SingleReplicaLoss}).</li>
 * </ol>
 */
public final class BrokerFailuresDemo {

    static final String PROTOCOL = "--protocol";

    static final Runner RUNNER = Runner.demo("./run failover", BrokerFailuresDemo::run)
            .describe("§5 避免 Kafka Offset 丢失的最佳实践: when a broker dies, what happens to committed offsets")
            .choice(PROTOCOL, "the consumer's group protocol (default classic)", "classic", "consumer")
            .dependsOnBrokerSettings(BrokerSettings.OFFSETS_TOPIC_REPLICATION, BrokerSettings.BROKER_SESSION)
            // Its story kills brokers: only on a cluster of its own.
            .startsItsOwnCluster(3);

    private final Cluster cluster;
    private final Admin admin;
    private final PrintStream out;
    private final Path workDir;

    private BrokerFailuresDemo(Cluster cluster, Admin admin, PrintStream out, Path workDir) {
        this.cluster = cluster;
        this.admin = admin;
        this.out = out;
        this.workDir = workDir;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        Path workDir = LocalMachine.tempDir("offset-lab-failover-");
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            BrokerFailuresDemo demo = new BrokerFailuresDemo((Cluster) kafka, admin, out, workDir);
            demo.coordinatorDies(args.option(PROTOCOL, "classic"));
            demo.anOffsetNamesADifferentRecord(args.option(PROTOCOL, "classic"));
            demo.offsetsOnOneReplica();
            demo.whatToNotice();
        } finally {
            LocalMachine.deleteRecursively(workDir);
        }
    }

    private void coordinatorDies(String protocol) throws Exception {
        Runner.heading(out, "§5.5 the group coordinator dies (offsets.topic.replication.factor=3, Kafka's default)");
        out.println("A consumer (group.protocol=" + protocol + ") commits every 100 records while a producer writes; the");
        out.println("broker that coordinates its group is killed like a crash. Times from the start of the scene:");
        out.println();
        Timeline timeline = new Timeline(out);
        CoordinatorFailover scene = new CoordinatorFailover(cluster, admin, timeline, workDir);
        FailoverResult r = scene.run(protocol);
        out.println();
        out.println("What the consumer's Kafka client logged meanwhile (same clock):");
        scene.showClientEvents(r);
        out.println();
        TextTable table = new TextTable("RECORDS", "LOST", "DUPLICATES", "COMMITTED AT KILL", "ON NEW COORDINATOR",
                "COMMIT STALL");
        table.row(r.records().produced(), r.records().lost(), r.records().duplicates(), sum(r.commits().beforeKill()),
                sum(r.commits().afterFailover()), r.failover().stallMillis() + " ms");
        out.print(table.render());
        out.println("The stall is mostly broker.session.timeout.ms: until the controller fences the dead node,");
        out.println("FindCoordinator keeps naming it; then another replica leads the group's offsets. When the dead");
        out.println("node was also the active controller, a new controller is elected first, and the stall is longer.");
        out.println();
    }

    private void anOffsetNamesADifferentRecord(String protocol) throws Exception {
        cluster.restartKilled(); // the coordinator killed above
        Runner.heading(out, "§5 and §1 an offset comes to name a different record (acks=1, an unclean election)");
        out.println("A partition on nodes 1 and 2, min.insync.replicas=1. With node 2 down, 5 records written with");
        out.println("acks=1 (offsets 10-14) exist on node 1 alone; a group reads them and commits 15 with the leader");
        out.println("epoch. Node 1 dies, node 2 is elected uncleanly, new records take offsets 10-17. Twelve groups");
        out.println("(group.protocol=" + protocol + ") had that commit, with or without its epoch, and start again:");
        out.println();
        LogTruncation.Result r = new LogTruncation(cluster, admin, new Timeline(out)).run(protocol);
        out.println();
        TextTable table = new TextTable("COMMIT", "POLICY", "LOG ENDS AT 13 (BEFORE 15)", "LOG ENDS AT 18 (PAST 15)");
        for (int i = 0; i < r.waves().logEndsBefore().size(); i++) {
            Restart first = r.waves().logEndsBefore().get(i);
            table.row(first.group().withEpoch() ? "15 + epoch" : "15 only", first.group().policy(), outcome(first, 13),
                    outcome(r.waves().logEndsPast().get(i), 18));
        }
        out.print(table.render());
        out.println();
        runningAcrossTheElection(r.running());
        out.println("Offsets " + r.log().reused() + " named " + r.log().before().values() + ";");
        out.println("now they name " + r.log().reused().stream().map(r.log().after()::get).toList() + ". With the epoch the client");
        out.println("asks where epoch " + r.committed().leaderEpoch().orElse(-1) + " ends (OffsetsForLeaderEpoch) and finds the truncation: earliest and");
        out.println("latest both go back to where the logs part, none throws. Without it nothing is checked. A");
        out.println("running consumer's position carries the epoch of its last record: it is checked the same way.");
        out.println();
        out.println("The same stop and kill with acks=all and min.insync.replicas=2, no unclean election:");
        NoTruncationWithAcksAll.Result safe = new NoTruncationWithAcksAll(cluster, admin, new Timeline(out)).run(protocol);
        out.println("offsets 10-14 held " + range(safe.before()) + " before node 1 was killed, and "
                + (safe.before().equals(safe.after()) ? "the same records" : range(safe.after())) + " after.");
        cluster.restartKilled();
        out.println();
    }

    /** The consumers that kept polling across the election: what they read before it, and after. */
    private void runningAcrossTheElection(List<Reading> running) {
        out.println(running.size() + " consumers (assign(), no group) had read offsets 0-14 and kept polling through it all:");
        TextTable table = new TextTable("POLICY", "READ BEFORE THE ELECTION", "THEN");
        for (Reading reading : running) {
            List<String> runs = reading.runs();
            String then = runs.size() < 2 ? "-" : String.join(", then ", runs.subList(1, runs.size()));
            if (reading.divergent() != null) {
                then = reading.error() + " at " + reading.fetchOffset() + ", diverges at " + reading.divergent().offset()
                        + " (epoch " + reading.divergent().leaderEpoch().orElse(-1) + ")";
            } else if (reading.error() != null) {
                then = reading.error();
            }
            table.row(reading.policy(), runs.isEmpty() ? "-" : runs.get(0), then);
        }
        out.print(table.render());
        out.println();
    }

    /** "more-10..more-14": the first and last value of {@code records}. */
    private static String range(Map<Long, String> records) {
        List<String> values = List.copyOf(records.values());
        return values.isEmpty() ? "nothing" : values.get(0) + ".." + values.get(values.size() - 1);
    }

    /** "from 10: 3 new" / "from 15: 3 new, 5 skipped" / the exception, for a wave whose log ends at {@code end}. */
    private static String outcome(Restart restart, long end) {
        if (restart.divergentOffset() != null) {
            return "LogTruncationException @" + restart.divergentOffset();
        }
        if (restart.error() != null) {
            return restart.error(); // "OffsetOutOfRangeException at 15"
        }
        int skipped = (int) (end - LogTruncation.BASE) - restart.read("new");
        return "from " + restart.records().startedAt() + ": " + restart.read("new") + " new" + (restart.read("base") > 0
                ? " + " + restart.read("base") + " old" : "") + (skipped > 0 ? ", " + skipped + " skipped" : "");
    }

    private void offsetsOnOneReplica() throws Exception {
        Runner.heading(out, "§5.6 offsets on one replica (offsets.topic.replication.factor=1, as on a laptop broker)");
        out.println("A second 3-node cluster, whose __consumer_offsets has a single replica. Two groups commit 60 of");
        out.println("100 records; then the disk of the broker holding their offsets is lost: it is killed, fenced,");
        out.println("its data deleted, and it starts again.");
        out.println();
        try (KafkaCluster oneReplica = KafkaCluster.start(KafkaCluster.Options.lab(3,
                Map.of(BrokerSettings.OFFSETS_TOPIC_REPLICATION, "1")));
             Admin oneReplicaAdmin = Admin.create(ClientConfigs.admin(oneReplica))) {
            out.printf("(cluster started in %.1f s)%n", oneReplica.startMillis() / 1000.0);
            SingleReplicaLoss.Result result = new SingleReplicaLoss(oneReplica, oneReplicaAdmin, new Timeline(out))
                    .run(List.of("earliest", "latest"));
            out.println();
            TextTable table = new TextTable("POLICY", "COMMITTED BEFORE", "AFTER", "STARTED AT", "READ AGAIN", "SKIPPED");
            for (Outcome o : result.outcomes()) {
                table.row(o.policy(), o.committedBefore(), o.committedAfter(), o.startedAt(), o.reRead(), o.skipped());
            }
            out.print(table.render());
            switch (result.recovery()) {
                case UNCLEAN_ELECTION -> {
                    out.println("The broker came back without its data, and Kafka did not make it the leader again: until");
                    out.println("the operator's unclean election, every group on that partition of __consumer_offsets was");
                    out.println("stuck. After it, the partition was empty, and auto.offset.reset decided.");
                }
                case BY_ITSELF_AFTER_THE_CHECK -> {
                    out.println("This time the partition was still offline at the check, but the broker led it again by");
                    out.println("itself, empty, before the unclean election reached the controller, which answered that");
                    out.println("none was needed (kafka-leader-election.sh: \"Valid replica already elected\"). In other");
                    out.println("runs it stays offline, its groups stuck, until an unclean leader election: a race inside Kafka.");
                }
                case BY_ITSELF -> {
                    out.println("This time the broker led its partition again by itself, empty. In other runs the partition");
                    out.println("stays offline, its groups stuck, until an unclean leader election: a race inside Kafka.");
                }
            }
            out.println();
        }
    }

    private void whatToNotice() {
        out.println("What to notice (§5):");
        out.println("  - committed offsets are records of __consumer_offsets: with 3 replicas the death of the");
        out.println("    coordinator loses none; another broker takes over, the group goes on, nothing is lost.");
        out.println("  - the group cannot commit until the dead broker is fenced (broker.session.timeout.ms);");
        out.println("    commitSync waits and retries meanwhile, so the loop processes nothing twice.");
        out.println("  - with 1 replica (offsets.topic.replication.factor=1) a lost disk loses every offset on it,");
        out.println("    and can stop its groups until an unclean election: then auto.offset.reset decides again.");
        out.println("    earliest reads twice, latest silently skips.");
        out.println("  - acks=1 and an unclean election lose records, and new ones take their offsets: commit the");
        out.println("    leader epoch (commitSync() does) and the client detects it; acks=all with");
        out.println("    min.insync.replicas=2 refuses such writes instead.");
        out.println("Proof: mvn -pl 05-best-practices -am verify (CoordinatorFailoverIT, LogTruncationIT,");
        out.println("SingleReplicaLossIT).");
    }

    private static long sum(Map<?, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}

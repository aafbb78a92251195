package io.offsetlab.practices;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.Columns;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.commit.RebalanceScenario.Result;
import io.offsetlab.practices.commit.RebalanceScenario;
import io.offsetlab.practices.monitor.LagMonitor;
import io.offsetlab.practices.monitor.LagMonitorCommand;
import io.offsetlab.practices.reset.OffsetReset;
import io.offsetlab.practices.reset.OffsetResetCommand;
import io.offsetlab.practices.timeouts.TimeoutCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * §5 避免 Kafka Offset 丢失的最佳实践, shown in the article's order:
 * <ol>
 *   <li>§5.1 commit every 100, on revocation and on shutdown: a member joins and leaves in the
 *       middle of a stream; with the revocation commit nothing is read twice, without it some is;</li>
 *   <li>§5.2 offsets alive: a group whose member left is empty, and its offsets are on the
 *       retention clock (the lag monitor says so); save them (--to-current --export), reset them,
 *       and put them back (--from-file);</li>
 *   <li>§5.3 monitor: the lag monitor on a live member that read more than it committed, and
 *       --check over three samples: the commit does not move, STALL;</li>
 *   <li>§5.4 timeouts: the article's max.poll.interval.ms=600000 example, checked.</li>
 * </ol>
 */
public final class BestPracticesDemo {

    static final Runner RUNNER = Runner.demo("./run 05", BestPracticesDemo::run)
            .describe("§5 避免 Kafka Offset 丢失的最佳实践 (best practices to avoid losing offsets): commit, monitor, keep alive,"
                    + " size timeouts")
            // The monitor's warning for an empty group names how long its offsets are kept.
            .dependsOnBrokerSettings(BrokerSettings.OFFSETS_RETENTION_MINUTES);

    private final KafkaBackend kafka;
    private final Admin admin;
    private final PrintStream out;
    /** What the demo created, deleted at the end so that a real cluster is left as it was. */
    private final List<String> topics = new java.util.ArrayList<>();
    private final List<String> groups = new java.util.ArrayList<>();

    private BestPracticesDemo(KafkaBackend kafka, Admin admin, PrintStream out) {
        this.kafka = kafka;
        this.admin = admin;
        this.out = out;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            BestPracticesDemo demo = new BestPracticesDemo(kafka, admin, out);
            demo.commitLoopAcrossARebalance();
            String topic = demo.keepAnEmptyGroupsOffsetsAlive();
            demo.monitorALiveGroup(topic);
            demo.checkTheArticlesTimeouts();
            demo.deleteWhatItCreated();
            demo.whatToNotice();
        }
    }

    private void commitLoopAcrossARebalance() throws Exception {
        Runner.heading(out, "§5.1 commit every " + RebalanceScenario.COMMIT_EVERY + ", on revocation, on shutdown");
        out.println("Member A reads a 4-partition topic; B joins while A holds 40 processed, uncommitted records,");
        out.println("then B shuts down (wakeup, commit, close). The same run twice, with and without the commit in");
        out.println("ConsumerRebalanceListener.onPartitionsRevoked (group.protocol=classic, Kafka 4.4's default).");
        RebalanceScenario scenario = new RebalanceScenario(kafka, admin, new Timeline(out));
        out.println();
        out.println("with the revocation commit:");
        Result with = scenario.run("classic", true);
        out.println("without it:");
        Result without = scenario.run("classic", false);
        for (Result r : List.of(with, without)) {
            topics.add(r.setup().topic());
            groups.add(r.setup().group());
        }
        TextTable table = new TextTable("LOOP", "PRODUCED", "PROCESSED", "DUPLICATES", "LOST", "COMMITS BY A");
        for (Result r : List.of(with, without)) {
            RebalanceScenario.Records records = r.records();
            table.row(r.setup().commitOnRevocation() ? "every 100 + revocation + shutdown" : "every 100 + shutdown",
                    records.produced(), records.processed().size(), records.duplicates(), records.lost(), r.commits().byA());
        }
        out.println();
        out.print(table.render());
        out.println("(COMMITS BY A: every 100 + on revocation + on shutdown)");
        out.println();
    }

    /** §5.2: returns the topic of 300 records it wrote, for §5.3. */
    private String keepAnEmptyGroupsOffsetsAlive() throws Exception {
        Runner.heading(out, "§5.2 offsets alive: an empty group's offsets are on a clock (./run reset-offsets)");
        String topic = "s5-" + UUID.randomUUID().toString().substring(0, 4); // short: the monitor's table fits 100 columns
        String group = topic + "-left";
        topics.add(topic);
        groups.add(group);
        Topics.create(admin, new NewTopic(topic, 1, (short) 1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "record-" + i));
            }
        }
        try (KafkaConsumer<String, String> consumer = member(group, topic)) {
            Polling.pollAtLeast(consumer, 300, Duration.ofSeconds(30));
            consumer.commitSync();
        } // closed: the group has no members left
        out.println("A member read all 300 records of " + topic + ", committed, and left. The lag monitor:");
        LagMonitorCommand.print(LagMonitor.describe(admin, group), out, out);
        OffsetReset.Plan saved = OffsetReset.plan(admin, group, topic, new OffsetReset.Target.Current());
        out.println();
        out.println("Save them before anything else (--to-current --export), as CSV:");
        out.print(OffsetResetCommand.csv(saved));
        resetAndShow(group, topic, new OffsetReset.Target.Earliest(), "--to-earliest --execute: every record will be read again");
        resetAndShow(group, null, new OffsetReset.Target.FromFile(saved.newOffsets()),
                "--from-file (that CSV) --execute: the saved offsets are back");
        out.println("Expired offsets come back the same way: from the CSV, or --to-offset N / --to-datetime T.");
        out.println();
        return topic;
    }

    private void resetAndShow(String group, String topic, OffsetReset.Target target, String what) throws Exception {
        OffsetReset.Plan plan = OffsetReset.plan(admin, group, topic, target);
        OffsetReset.execute(admin, plan);
        out.println(what);
        OffsetResetCommand.print(plan, out);
    }

    /** §5.3: a live member that read all 300 records of {@code topic} but committed only 200. */
    private void monitorALiveGroup(String topic) throws Exception {
        Runner.heading(out, "§5.3 monitor: kafka-consumer-groups --describe, and a status (./run lag-monitor)");
        String group = topic + "-live";
        groups.add(group);
        try (KafkaConsumer<String, String> consumer = member(group, topic)) {
            Polling.pollAtLeast(consumer, 300, Duration.ofSeconds(30));
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(200)));
            out.println("A live member read all 300 records but committed only 200 (HOST and CLIENT-ID left");
            out.println("out here to fit; ./run lag-monitor prints every column of kafka-consumer-groups):");
            LagMonitorCommand.printNarrow(LagMonitor.describe(admin, group), out, out);
            out.println();
            out.println("--check --watch 1 --samples 3: the member is there, its commit does not move");
            String[] check = {"--group", group, LagMonitorCommand.CHECK, LagMonitorCommand.WATCH, "1", LagMonitorCommand.SAMPLES, "3"};
            LagMonitorCommand.run(admin, LagMonitorCommand.RUNNER.parseOptions(check), out, out);
        }
        out.println();
    }

    /** A member of {@code group} on {@code topic} that commits only when told, and starts at the log start. */
    private KafkaConsumer<String, String> member(String group, String topic) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // the scene decides what is committed, and when
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group reads all 300 records
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private void checkTheArticlesTimeouts() {
        Runner.heading(out, "§5.4 timeouts: does max.poll.records x time per record fit? (./run timeout-check)");
        for (int interval : new int[] {300_000, 600_000}) {
            TimeoutCheck.Result result = TimeoutCheck.check(new TimeoutCheck.Settings(500, 700, interval, null, null, "classic"));
            out.println("500 records x 700 ms, max.poll.interval.ms=" + interval + ": " + result.verdict());
            out.println(Columns.wrap("  " + result.findings().get(0), Columns.TERMINAL, "    "));
            if (!result.advice().isEmpty()) {
                out.println(Columns.wrap("  change: " + result.advice().get(0) + "; " + result.advice().get(1), Columns.TERMINAL,
                        "    "));
            }
        }
        out.println();
    }

    private void deleteWhatItCreated() throws Exception {
        admin.deleteConsumerGroups(groups).all().get(); // all empty by now
        admin.deleteTopics(topics).all().get();
        out.println("(deleted the demo's " + topics.size() + " topics and " + groups.size() + " groups)");
        out.println();
    }

    private void whatToNotice() {
        out.println("What to notice (§5):");
        out.println("  - committing every 100 bounds what a crash re-reads; committing in onPartitionsRevoked");
        out.println("    makes a rebalance re-read nothing. Without it, the next owner re-reads what was");
        out.println("    processed since the last commit.");
        out.println("  - an empty group's offsets expire after offsets.retention.minutes (7 days by default);");
        out.println("    save them with --export, and put them back with --from-file.");
        out.println("  - CURRENT-OFFSET is the committed offset, not the live position (300 read, 200 shown);");
        out.println("    a lag alone says little, its trend says more: --check.");
        out.println("  - the article's 600000 ms fits that batch, with little headroom: fewer records per poll.");
        out.println("  - what commits cost: ./run benchmark; no duplicates at all: transactions (ExactlyOnceIT).");
        out.println("Proof: mvn -pl 05-best-practices -am verify (see 05-best-practices/README.md).");
    }
}

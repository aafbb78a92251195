package io.offsetlab.practices;

import io.offsetlab.lab.BrokerSettings;
import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaBackend;
import io.offsetlab.lab.Polling;
import io.offsetlab.lab.TextTable;
import io.offsetlab.lab.Timeline;
import io.offsetlab.lab.Topics;
import io.offsetlab.practices.RebalanceScenario.Result;
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
 * §5 避免 Kafka Offset 丢失的最佳实践, shown:
 * <ol>
 *   <li>commit every 100, on revocation and on shutdown: a member joins and leaves in the middle
 *       of a stream; with the revocation commit nothing is read twice, without it some is;</li>
 *   <li>monitor: the lag monitor on a live group and on the same group once it is empty, with
 *       the warning that its offsets are now on the retention clock;</li>
 *   <li>offsets alive: reset that empty group's offsets, a dry run first, then --execute;</li>
 *   <li>timeouts: the article's max.poll.interval.ms=600000 example, checked.</li>
 * </ol>
 */
public final class BestPracticesDemo {

    static final DemoRunner.Spec SPEC = new DemoRunner.Spec("./run 05",
            "§5 避免 Kafka Offset 丢失的最佳实践 (best practices to avoid losing offsets): commit, monitor, keep alive, size timeouts",
            List.of(), Map.of(),
            // The monitor's warning for an empty group names how long its offsets are kept.
            List.of(BrokerSettings.OFFSETS_RETENTION_MINUTES));

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
        DemoRunner.main(SPEC, args, BestPracticesDemo::run);
    }

    static void run(KafkaBackend kafka, DemoArgs args, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            BestPracticesDemo demo = new BestPracticesDemo(kafka, admin, out);
            demo.commitLoopAcrossARebalance();
            demo.resetTheEmptyGroup(demo.monitorALiveThenEmptyGroup());
            demo.checkTheArticlesTimeouts();
            demo.whatToNotice();
            demo.deleteWhatItCreated();
        }
    }

    private void commitLoopAcrossARebalance() throws Exception {
        DemoRunner.heading(out, "§5.1 commit every " + RebalanceScenario.COMMIT_EVERY + ", on revocation, on shutdown");
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
            topics.add(r.topic());
            groups.add(r.group());
        }
        TextTable table = new TextTable("LOOP", "PRODUCED", "PROCESSED", "DUPLICATES", "LOST", "COMMITS OF A");
        for (Result r : List.of(with, without)) {
            table.row(r.commitOnRevocation() ? "every 100 + revocation + shutdown" : "every 100 + shutdown",
                    r.produced(), r.processed().size(), r.duplicates(), r.lost(), r.commitsA());
        }
        out.println();
        out.print(table.render());
        out.println();
    }

    /** A group and the topic it consumed. */
    private record GroupOnTopic(String group, String topic) {
    }

    /** Returns the group it left behind, empty, for the reset step. */
    private GroupOnTopic monitorALiveThenEmptyGroup() throws Exception {
        DemoRunner.heading(out, "§5.3 monitor: kafka-consumer-groups --describe, from the Admin API (./run lag-monitor)");
        String topic = "s5-demo-" + UUID.randomUUID().toString().substring(0, 8);
        String group = topic + "-group";
        topics.add(topic);
        groups.add(group);
        Topics.create(admin, new NewTopic(topic, 1, (short) 1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "record-" + i));
            }
        }
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 300, Duration.ofSeconds(30));
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(200)));
            out.println("A live member read all 300 records of " + topic + " but committed only 200:");
            LagMonitor.print(LagMonitor.describe(admin, group), out, out);
        }
        out.println();
        out.println("The member closed. Same group, now empty:");
        LagMonitor.print(LagMonitor.describe(admin, group), out, out);
        out.println();
        return new GroupOnTopic(group, topic);
    }

    private void resetTheEmptyGroup(GroupOnTopic empty) throws Exception {
        String group = empty.group();
        DemoRunner.heading(out, "§5.2 offsets alive: reset an empty group's offsets (./run reset-offsets)");
        OffsetReset.Plan plan = OffsetReset.plan(admin, group, empty.topic(), new OffsetReset.Target.Earliest());
        out.println("--to-earliest, a dry run (the default): the plan, nothing changed");
        OffsetReset.print(plan, out);
        OffsetReset.execute(admin, plan);
        out.println("--execute: applied; the monitor now shows");
        LagMonitor.print(LagMonitor.describe(admin, group), out, out);
        out.println("A group member started now re-reads all 300. To restore lost offsets instead, reset to the");
        out.println("offset or the time you recorded (--to-offset N, --to-datetime T).");
        out.println();
    }

    private void checkTheArticlesTimeouts() {
        DemoRunner.heading(out, "§5.4 timeouts: does max.poll.records x time per record fit? (./run timeout-check)");
        for (int interval : new int[] {300_000, 600_000}) {
            TimeoutCheck.Result result = TimeoutCheck.check(new TimeoutCheck.Settings(500, 700, interval, null, null, "classic"));
            out.println("500 records x 700 ms, max.poll.interval.ms=" + interval + ": " + result.verdict());
            out.println("  " + result.findings().get(0));
            if (!result.advice().isEmpty()) {
                out.println("  change: " + result.advice().get(0) + "; " + result.advice().get(1));
            }
        }
        out.println();
    }

    private void deleteWhatItCreated() throws Exception {
        admin.deleteConsumerGroups(groups).all().get(); // all empty by now
        admin.deleteTopics(topics).all().get();
        out.println();
        out.println("(deleted the demo's " + topics.size() + " topics and " + groups.size() + " groups)");
    }

    private void whatToNotice() {
        DemoRunner.heading(out, "What to notice");
        out.println("- Committing every 100 bounds what a crash re-reads; committing in onPartitionsRevoked makes a");
        out.println("  rebalance re-read nothing. Without it, the next owner re-reads what was processed since the last commit.");
        out.println("- CURRENT-OFFSET is the committed offset, not the live position: the live member had read 300, it showed 200.");
        out.println("- An empty group's offsets expire after offsets.retention.minutes (7 days); the monitor says so.");
        out.println("- The article's 600000 ms is enough for that batch, but with little headroom: fewer records per poll is safer.");
        out.println("- What commits cost: ./run benchmark. Duplicates never: transactions, see ExactlyOnceIT and the README.");
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.PartitionOffsets;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.reset.ResetProbe.Outcome;
import io.offsetlab.reset.ResetScenarios.Setup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * §2 auto.offset.reset 详解: where a consumer starts when its group has no usable committed
 * offset, for every policy, as one table.
 * <ol>
 *   <li>offsets expired: a group commits and leaves; its retention clock runs during 2 and 3;</li>
 *   <li>new group, committed offset, committed below the log start / beyond the end, topic recreated;</li>
 *   <li>a partition moved by a rebalance, and one added to a subscribed topic (the article's "partition adjustment");</li>
 *   <li>the expired group: wait (with progress) until the broker drops its offsets, then start it.</li>
 * </ol>
 */
public final class AutoOffsetResetDemo {

    static final String SKIP_EXPIRY = "--skip-expiry";

    static final Runner RUNNER = Runner.demo("./run 02", AutoOffsetResetDemo::run)
            .describe("§2 auto.offset.reset 详解 (auto.offset.reset in detail): where a consumer starts without a usable"
                    + " committed offset")
            .flag(SKIP_EXPIRY, "skip the offset-expiry scenario (it waits about a minute)")
            // The minimum (default 10080 = 7 days), so that offsets expire within the demo.
            .startsBrokerWith(BrokerSettings.OFFSETS_RETENTION_MINUTES, "1")
            .dependsOnBrokerSettings(BrokerSettings.OFFSETS_RETENTION_MINUTES, BrokerSettings.OFFSETS_RETENTION_CHECK);

    /** The longest wait for expiry the demo takes on: retention plus one check, about a minute. */
    private static final Duration EXPIRY_SHOWN_WITHIN = Duration.ofSeconds(75);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXPIRY_LIMIT = Duration.ofSeconds(150);

    private final KafkaBackend kafka;
    private final Admin admin;
    private final ResetScenarios scenarios;
    private final PrintStream out;

    private AutoOffsetResetDemo(KafkaBackend kafka, Admin admin, PrintStream out) {
        this.kafka = kafka;
        this.admin = admin;
        this.scenarios = new ResetScenarios(kafka, admin);
        this.out = out;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            AutoOffsetResetDemo demo = new AutoOffsetResetDemo(kafka, admin, out);
            Expiring expiring = demo.startExpiry(args);
            demo.scenarioTable();
            demo.partitionChanges(admin);
            if (expiring != null) {
                demo.finishExpiry(expiring);
            }
            demo.whatToNotice();
        }
    }

    /** The expired-offsets scenario, started: its group committed and left at {@code leftAt}. */
    private record Expiring(Setup setup, long leftAt) {
    }

    private Expiring startExpiry(Arguments args) throws Exception {
        if (args.flag(SKIP_EXPIRY)) {
            out.println("(offset expiry skipped: " + SKIP_EXPIRY + ")\n");
            return null;
        }
        BrokerSettings settings = BrokerSettings.of(kafka);
        long expiresWithin = settings.offsetsRetentionMs() + settings.value(BrokerSettings.OFFSETS_RETENTION_CHECK);
        if (expiresWithin > EXPIRY_SHOWN_WITHIN.toMillis()) {
            out.println("(offset expiry skipped: this cluster keeps an empty group's offsets "
                    + BrokerSettings.human(settings.offsetsRetentionMs()) + ", checking every "
                    + BrokerSettings.human(settings.value(BrokerSettings.OFFSETS_RETENTION_CHECK)) + ";");
            out.println(" too long to wait for here. The demo's own broker, without --bootstrap-server, keeps them 1 min.)\n");
            return null;
        }
        step("1  offsets expired: a group consumes 5 records, commits, and leaves (clock starts now)");
        TopicPartition tp = scenarios.topicWithRecords("expired", 5);
        String group = scenarios.group("expired");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(memberConfig(group))) {
            consumer.subscribe(List.of(tp.topic()));
            Polling.pollAtLeast(consumer, 5, TIMEOUT);
            consumer.commitSync();
        } // close(): the group's last member leaves, the group is Empty
        out.println("Group " + group + " committed offset 5 and is now empty. With offsets.retention.minutes="
                + BrokerSettings.of(kafka).value(BrokerSettings.OFFSETS_RETENTION_MINUTES));
        out.println("(default 10080 = 7 days) the broker drops its offsets about "
                + BrokerSettings.of(kafka).offsetsRetentionMs() / 1000 + " s from now. Meanwhile:\n");
        return new Expiring(new Setup("offsets expired", group, tp), System.currentTimeMillis());
    }

    private void scenarioTable() throws Exception {
        step("2  every case without a usable committed offset, with every policy");
        out.println("Each topic: 2 records stamped 2 h ago, then fresh ones. A new consumer of the group starts on");
        out.println("the partition with each policy and reads to the end. It never commits, so every policy sees");
        out.println("the same setup.\n");
        TextTable table = table();
        for (Setup setup : List.of(scenarios.newGroup(), scenarios.committedOffset(), scenarios.committedBelowLogStart(),
                scenarios.committedBeyondEnd(), scenarios.topicRecreated())) {
            addRows(table, setup);
        }
        out.println(table.render());
    }

    /** The article's "partition adjustment", both kinds: a partition moved by a rebalance, a partition added. */
    private void partitionChanges(Admin admin) throws Exception {
        step("3  partitions moved and added (the article's \"partition adjustment\")");
        out.println("Moved: a member commits offset 10 on both partitions; 3 more records follow; a second member");
        out.println("joins with latest, and the rebalance moves one partition to it.");
        out.println("Added: a member stops polling; partition 1 is added and gets 3 records; the member polls again,");
        out.println("is assigned partition 1 (no committed offset) and 2 more records follow.\n");
        TextTable table = new TextTable("PARTITION", "POLICY", "COMMITTED", "STARTED AT", "READ", "LOST");
        PartitionMove.Result move = PartitionMove.run(kafka, admin, "latest", "classic");
        table.row("moved by a rebalance", move.policy(), move.committed(), move.startedAt(), move.read(), move.lost());
        for (String policy : List.of("latest", "earliest", "by_duration:PT5M")) {
            PartitionExpansion.Result added = PartitionExpansion.run(kafka, admin, policy, "classic");
            table.row("added", added.policy(), null, added.startedAt(), added.read(), added.lost());
        }
        out.println(table.render());
        out.println("The moved partition kept its committed offset: latest was never asked. The added one had none,");
        out.println("and latest skipped what was written before the group noticed the partition.\n");
    }

    private void finishExpiry(Expiring expiring) throws Exception {
        step("4  offsets expired: waiting for the broker to drop the empty group's offsets");
        Progress progress = new Progress(out, expiring.leftAt(), BrokerSettings.of(kafka));
        long deadline = expiring.leftAt() + EXPIRY_LIMIT.toMillis();
        while (scenarios.committed(expiring.setup().group(), expiring.setup().partition()) != null) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the offsets did not expire within " + EXPIRY_LIMIT.toSeconds() + " s");
            }
            progress.tick();
            Thread.sleep(200);
        }
        progress.done();
        TextTable table = table();
        addRows(table, expiring.setup());
        out.println(table.render());
    }

    private void whatToNotice() {
        out.println("What to notice (§2):");
        out.println("  - auto.offset.reset is used only without a usable committed offset: a valid one always wins.");
        out.println("  - earliest = log start, latest = end (what is written from now on), none = an exception,");
        out.println("    by_duration:<ISO-8601> (Kafka 4.0+) = the first record newer than now minus the duration.");
        out.println("  - \"no usable offset\": new group, expired offsets, deleted topic (with none:");
        out.println("    NoOffsetForPartitionException), committed offset out of range (OffsetOutOfRangeException).");
        out.println("  - latest never looks for the nearest record: out of range, it jumps to the end and skips the rest.");
        out.println("  - a partition MOVED by a rebalance keeps its offset; one ADDED, with latest, loses records.");
        out.println("Proof: mvn -pl 02-auto-offset-reset -am verify (see 02-auto-offset-reset/README.md).");
    }

    private static TextTable table() {
        return new TextTable("SCENARIO", "POLICY", "STARTED AT", "READ", "SKIPPED", "EXCEPTION");
    }

    private void addRows(TextTable table, Setup setup) {
        // Before any probe: log start, end and the group's committed offset, as the group left them.
        // One line per policy; the scenario's cell, under its name, says what the group left.
        PartitionOffsets before = OffsetProbe.snapshot(admin, setup.group(), setup.partition(), null);
        List<String> scenario = List.of(setup.name(), "  log-start " + before.logStart() + ", end " + before.end(),
                "  committed " + (before.committed() == null ? "none" : before.committed()), "");
        for (int i = 0; i < ResetScenarios.POLICIES.size(); i++) {
            String policy = ResetScenarios.POLICIES.get(i);
            Outcome o = ResetProbe.start(kafka, setup.group(), setup.partition(), policy, TIMEOUT);
            table.row(scenario.get(i), policy, o.startedAt(), o.failed() ? null : o.read(), o.failed() ? null : o.skipped(),
                    o.exception());
        }
    }

    private Map<String, Object> memberConfig(String group) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // A new group has no committed offset: read the scene's records from the log start.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The member commits only with commitSync(), so the scene knows what the group committed.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    private void step(String title) {
        Runner.heading(out, title);
    }

    /** Seconds since the group emptied: a live line on a terminal, a line every 10 s otherwise. */
    private static final class Progress {
        private final PrintStream out;
        private final long since;
        private final BrokerSettings settings;
        private final boolean terminal = System.console() != null && System.getenv("NO_COLOR") == null;
        private long lastPrinted = -1;

        Progress(PrintStream out, long since, BrokerSettings settings) {
            this.out = out;
            this.since = since;
            this.settings = settings;
        }

        void tick() {
            long seconds = (System.currentTimeMillis() - since) / 1000;
            if (terminal && seconds != lastPrinted) {
                out.printf("\r  %3d s since the group emptied (retention %d s, checked every %d ms) ...", seconds,
                        settings.offsetsRetentionMs() / 1000, settings.value(BrokerSettings.OFFSETS_RETENTION_CHECK));
                lastPrinted = seconds;
            } else if (!terminal && seconds / 10 != lastPrinted) {
                out.printf("  %3d s since the group emptied: offsets still there%n", seconds);
                lastPrinted = seconds / 10;
            }
        }

        void done() {
            long seconds = (System.currentTimeMillis() - since) / 1000;
            out.printf("%s  offsets expired %d s after the group emptied; the policy now decides:%n%n", terminal ? "\n" : "", seconds);
        }
    }
}

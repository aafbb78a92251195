package io.offsetlab.share;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.TextTable;
import io.offsetlab.share.SharePartitionPicture.State;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * §6 beyond the article: the article's questions, asked of a share group (Kafka 4's queues, KIP-932).
 * <ol>
 *   <li>where the offsets are: a share partition's start offset (SPSO), each in-flight record's
 *       state and the lag, drawn; no committed offset (Admin listConsumerGroupOffsets: none);</li>
 *   <li>acknowledge: ACCEPT, RELEASE (delivered again, delivery count 2), REJECT (archived);</li>
 *   <li>where a new share group starts: the group config share.auto.offset.reset, not the
 *       consumer's auto.offset.reset (refused);</li>
 *   <li>a slow member: its records go to another member when their lock expires; a member killed
 *       with SIGKILL: its records come back as soon as its connection closes;</li>
 *   <li>a poison record: archived after share.delivery.count.limit deliveries; with a dead-letter
 *       topic (KIP-1191), written there first, like a REJECTed one ({@link DeadLetterScene});</li>
 *   <li>three members share one partition.</li>
 * </ol>
 * Lock durations and delivery limits are read from the broker and kept within its bounds.
 */
public final class ShareGroupsDemo {

    static final Runner RUNNER = Runner.demo("./run 06", ShareGroupsDemo::run)
            .describe("§6 beyond the article: share groups (Kafka 4's queues, KIP-932), the article's questions again");

    private static final Duration TIMEOUT = DemoKit.TIMEOUT;

    private final DemoKit kit;
    private final KafkaBackend kafka;
    private final Admin admin;
    private final PrintStream out;

    private ShareGroupsDemo(DemoKit kit) {
        this.kit = kit;
        this.kafka = kit.kafka;
        this.admin = kit.admin;
        this.out = kit.out;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            ShareSettings settings = ShareSettings.read(kafka);
            out.println("broker settings this demo depends on (" + settings.source() + "):");
            out.print(settings.describe());
            out.println();
            if (settings.shareVersion() < 1) {
                out.println("This cluster has share.version " + settings.shareVersion() + ": share groups are off, so every");
                out.println("scene is skipped. A Kafka 4.4 cluster formatted without --release-version has them on;");
                out.println("an upgraded one needs: kafka-features.sh upgrade --feature share.version=1 (or 2).\n");
                whatToNotice(out);
                return;
            }
            DemoKit kit = new DemoKit(kafka, admin, out, settings);
            ShareGroupsDemo demo = new ShareGroupsDemo(kit);
            MemberScenes members = new MemberScenes(kit);
            try {
                demo.whereTheOffsetsAre();
                demo.whereANewGroupStarts();
                members.slowAndCrashedMembers();
                members.poisonRecord();
                new DeadLetterScene(kit).show();
                members.threeMembersOnePartition();
                demo.acls();
            } finally {
                kit.cleanUp();
            }
            whatToNotice(out);
        }
    }

    // Scenes 1 and 2: the share partition drawn, then ACCEPT / RELEASE / REJECT.
    private void whereTheOffsetsAre() throws Exception {
        String topic = kit.createTopic("share-offsets");
        String group = kit.newGroup("share-offsets", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest"));
        TopicPartition partition = new TopicPartition(topic, 0);
        kit.step("Scene 1  where a share group's offsets are (§1's question)");
        kit.produce(topic, 10, null);
        Map<Long, State> states = new TreeMap<>();
        try (KafkaShareConsumer<String, String> member = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            records.forEach(r -> states.put(r.offset(), State.ACQUIRED));
            out.println("Share group " + group + ", 10 records. One member, explicit mode, polled offsets");
            out.println(DemoKit.offsets(records) + ": each is now acquired, locked to that member.");
            out.println("Admin listShareGroupOffsets: " + kit.describe(group, partition) + "; nothing acknowledged yet.\n");

            kit.step("Scene 2  acknowledge: ACCEPT 0-2 and 5-9, RELEASE 3, REJECT 4, then commitSync()");
            for (ConsumerRecord<String, String> record : records) {
                AcknowledgeType type = record.offset() == 3 ? AcknowledgeType.RELEASE
                        : record.offset() == 4 ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT;
                member.acknowledge(record, type);
                states.put(record.offset(), type == AcknowledgeType.RELEASE ? State.AVAILABLE
                        : type == AcknowledgeType.REJECT ? State.ARCHIVED : State.ACKNOWLEDGED);
            }
            out.println("commitSync() sent them: " + member.commitSync().values().stream()
                    .map(e -> e.map(Throwable::getMessage).orElse("no error")).toList());
            kit.draw(group, partition, states);
            Map<TopicPartition, ?> committed = admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group).get();
            out.println("Admin listConsumerGroupOffsets(same group id): " + committed + " - no committed offset:");
            out.println("the group's progress is the SPSO and the record states, kept by the partition's leader.\n");

            List<ConsumerRecord<String, String>> again = ShareGroups.pollOnce(member, TIMEOUT);
            out.printf("The next poll() returned offset %s again, deliveryCount() = %s; offset 4 (REJECTed) never comes.%n",
                    DemoKit.offsets(again), again.stream().map(ShareGroups::deliveries).toList());
            again.forEach(r -> {
                member.acknowledge(r, AcknowledgeType.ACCEPT);
                states.put(r.offset(), State.ACKNOWLEDGED);
            });
            member.commitSync();
            kit.draw(group, partition, states);
            out.println("Lag 0: all done. The START-OFFSET Admin reports is the one stored with the last state");
            out.println("write, which trails that write's own acknowledgements; lag is the number to watch.");
            out.println("Implicit mode (share.acknowledgement.mode=implicit, the default) needs none of these");
            out.println("calls: the next poll() or commitSync() ACCEPTs all the last poll() returned.\n");
        }
    }

    // Scene 3: share.auto.offset.reset, a group config.
    private void whereANewGroupStarts() throws Exception {
        kit.step("Scene 3  where a new share group starts (§2's question)");
        Map<String, Object> config = ShareGroups.consumerConfig(kafka, "any", ShareGroups.IMPLICIT_ACKS, 10);
        // A consumer group's setting, put here on purpose: the share consumer refuses it (below).
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaShareConsumer<String, String> refused = new KafkaShareConsumer<>(config)) {
            out.println("unexpected: the share consumer took auto.offset.reset");
        } catch (ConfigException e) {
            out.println("new KafkaShareConsumer(config with auto.offset.reset=earliest) throws ConfigException:");
            out.println("  \"" + e.getMessage() + "\"");
        }
        String topic = kit.createTopic("share-start");
        kit.produce(topic, 3, System.currentTimeMillis() - 3_600_000);
        kit.produce(topic, 2, null);
        out.println("Topic with 5 records, 0-2 an hour old. Group config share.auto.offset.reset, set with Admin");
        out.println("incrementalAlterConfigs on the GROUP resource before the group's first member joins:");
        TextTable table = new TextTable("share.auto.offset.reset", "first offset delivered", "why");
        table.row("(not set)", firstOffset(topic, null), "latest: only what is written after it started");
        table.row("latest", firstOffset(topic, "latest"), "the same");
        table.row("earliest", firstOffset(topic, "earliest"), "the log start");
        table.row("by_duration:PT10M", firstOffset(topic, "by_duration:PT10M"), "the first record at most 10 min old");
        out.print(table.render());
        out.println("(latest: the demo writes one record per empty poll, so the first is 5 or later.)\n");
    }

    /** The first offset a new group with {@code reset} gets, writing one record per empty poll. */
    private long firstOffset(String topic, String reset) throws Exception {
        String group = kit.newGroup("share-start", reset == null ? Map.of() : Map.of(ShareGroups.AUTO_OFFSET_RESET, reset));
        try (KafkaShareConsumer<String, String> member = kit.member(group, topic, ShareGroups.IMPLICIT_ACKS, 100);
             KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = member.poll(Duration.ofMillis(300));
                if (!records.isEmpty()) {
                    return records.iterator().next().offset();
                }
                producer.send(new ProducerRecord<>(topic, 0, null, "written after the group started")).get();
            }
        }
        throw new IllegalStateException("share group " + group + " got no record within " + TIMEOUT.toSeconds() + " s");
    }

    private void acls() {
        kit.step("On a cluster with ACLs (checked in Kafka 4.4's KafkaApis)");
        TextTable table = new TextTable("who", "needs");
        table.row("share consumer", "READ on the group; READ on the topic (DESCRIBE to join, READ to fetch/ack)");
        table.row("listShareGroupOffsets", "DESCRIBE on the group");
        table.row("setting group configs", "ALTER_CONFIGS on the group (incrementalAlterConfigs, GROUP resource)");
        table.row("deleteShareGroups", "DELETE on the group");
        table.row("dead letters", "nothing for members: the broker writes them as itself (WRITE for it)");
        out.print(table.render());
        out.println();
    }

    private static void whatToNotice(PrintStream out) {
        out.println("What to notice (§6, beyond the article):");
        out.println("  - a share group has no committed offset: per partition a start offset (SPSO), below which all");
        out.println("    is done, and a state per in-flight record; lag = records not yet ACCEPTed or archived.");
        out.println("  - it starts where the GROUP config share.auto.offset.reset says (latest by default); the");
        out.println("    consumer's auto.offset.reset is refused.");
        out.println("  - \"commit\" is per record: ACCEPT, RELEASE (delivered again, deliveryCount()+1), REJECT.");
        out.println("  - a slow member loses its records when their lock expires; a killed one as soon as its");
        out.println("    connection closes. Processing must be idempotent: a record can be delivered again.");
        out.println("  - after share.delivery.count.limit deliveries a record is archived: a poison record stops.");
        out.println("    With a dead-letter topic set, the broker first writes it there (a REJECTed one too).");
        out.println("  - any number of members can read one partition.");
        out.println("Proof: mvn -pl 06-share-groups -am verify (see 06-share-groups/README.md).");
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.ChildJvm;
import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.DemoArgs;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaBackend;
import io.offsetlab.lab.Report;
import io.offsetlab.lab.TextTable;
import io.offsetlab.lab.Topics;
import io.offsetlab.lab.Wait;
import io.offsetlab.share.SharePartitionPicture.State;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *   <li>a poison record: archived after share.delivery.count.limit deliveries;</li>
 *   <li>three members share one partition.</li>
 * </ol>
 * Lock durations and delivery limits are read from the broker and kept within its bounds.
 */
public final class ShareGroupsDemo {

    static final DemoRunner.Spec SPEC = new DemoRunner.Spec("./run 06",
            "§6 beyond the article: share groups (Kafka 4's queues, KIP-932), the article's questions again");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBackend kafka;
    private final Admin admin;
    private final PrintStream out;
    private final ShareSettings settings;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> topics = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    private ShareGroupsDemo(KafkaBackend kafka, Admin admin, PrintStream out, ShareSettings settings) {
        this.kafka = kafka;
        this.admin = admin;
        this.out = out;
        this.settings = settings;
    }

    public static void main(String[] args) {
        DemoRunner.main(SPEC, args, ShareGroupsDemo::run);
    }

    static void run(KafkaBackend kafka, DemoArgs args, PrintStream out) throws Exception {
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
            ShareGroupsDemo demo = new ShareGroupsDemo(kafka, admin, out, settings);
            try {
                demo.whereTheOffsetsAre();
                demo.whereANewGroupStarts();
                demo.slowAndCrashedMembers();
                demo.poisonRecord();
                demo.threeMembersOnePartition();
                demo.acls();
            } finally {
                demo.cleanUp();
            }
            whatToNotice(out);
        }
    }

    // Scenes 1 and 2: the share partition drawn, then ACCEPT / RELEASE / REJECT.
    private void whereTheOffsetsAre() throws Exception {
        String topic = createTopic("share-offsets");
        String group = newGroup("share-offsets", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest"));
        TopicPartition partition = new TopicPartition(topic, 0);
        step("Scene 1  where a share group's offsets are (§1's question)");
        produce(topic, 10, null);
        Map<Long, State> states = new TreeMap<>();
        try (KafkaShareConsumer<String, String> member = member(group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            records.forEach(r -> states.put(r.offset(), State.ACQUIRED));
            out.println("Share group " + group + ", 10 records. One member, explicit mode, polled offsets");
            out.println(offsets(records) + ": each is now acquired, locked to that member.");
            out.println("Admin listShareGroupOffsets: " + describe(group, partition) + "; nothing acknowledged yet.\n");

            step("Scene 2  acknowledge: ACCEPT 0-2 and 5-9, RELEASE 3, REJECT 4, then commitSync()");
            for (ConsumerRecord<String, String> record : records) {
                AcknowledgeType type = record.offset() == 3 ? AcknowledgeType.RELEASE
                        : record.offset() == 4 ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT;
                member.acknowledge(record, type);
                states.put(record.offset(), type == AcknowledgeType.RELEASE ? State.AVAILABLE
                        : type == AcknowledgeType.REJECT ? State.ARCHIVED : State.ACKNOWLEDGED);
            }
            out.println("commitSync() sent them: " + member.commitSync().values().stream()
                    .map(e -> e.map(Throwable::getMessage).orElse("no error")).toList());
            draw(group, partition, states);
            Map<TopicPartition, ?> committed = admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group).get();
            out.println("Admin listConsumerGroupOffsets(same group id): " + committed + " - no committed offset:");
            out.println("the group's progress is the SPSO and the record states, kept by the partition's leader.\n");

            List<ConsumerRecord<String, String>> again = ShareGroups.pollOnce(member, TIMEOUT);
            out.printf("The next poll() returned offset %s again, deliveryCount() = %s; offset 4 (REJECTed) never comes.%n",
                    offsets(again), again.stream().map(ShareGroups::deliveries).toList());
            again.forEach(r -> {
                member.acknowledge(r, AcknowledgeType.ACCEPT);
                states.put(r.offset(), State.ACKNOWLEDGED);
            });
            member.commitSync();
            draw(group, partition, states);
            out.println("Lag 0: all done. The START-OFFSET Admin reports is the one stored with the last state");
            out.println("write, which trails that write's own acknowledgements; lag is the number to watch.");
            out.println("Implicit mode (share.acknowledgement.mode=implicit, the default) needs none of these");
            out.println("calls: the next poll() or commitSync() ACCEPTs all the last poll() returned.\n");
        }
    }

    // Scene 3: share.auto.offset.reset, a group config.
    private void whereANewGroupStarts() throws Exception {
        step("Scene 3  where a new share group starts (§2's question)");
        Map<String, Object> config = ShareGroups.consumerConfig(kafka, "any", "implicit", 10);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaShareConsumer<String, String> refused = new KafkaShareConsumer<>(config)) {
            out.println("unexpected: the share consumer took auto.offset.reset");
        } catch (ConfigException e) {
            out.println("new KafkaShareConsumer(config with auto.offset.reset=earliest) throws ConfigException:");
            out.println("  \"" + e.getMessage() + "\"");
        }
        String topic = createTopic("share-start");
        produce(topic, 3, System.currentTimeMillis() - 3_600_000);
        produce(topic, 2, null);
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
        String group = newGroup("share-start", reset == null ? Map.of() : Map.of(ShareGroups.AUTO_OFFSET_RESET, reset));
        try (KafkaShareConsumer<String, String> member = member(group, topic, "implicit", 100);
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

    // Scene 4: the lock, and a killed member.
    private void slowAndCrashedMembers() throws Exception {
        step("Scene 4  a slow member and a crashed member (§4's question)");
        long lockMs = settings.lockDurationMs(5_000);
        out.printf("share.record.lock.duration.ms=%d for this group (a group config;%n"
                + "the broker's bounds: %d-%d ms, its default %d ms).%n",
                lockMs, settings.value(ShareSettings.LOCK_MIN), settings.value(ShareSettings.LOCK_MAX),
                settings.value(ShareSettings.LOCK_DEFAULT));
        String topic = createTopic("share-slow");
        String group = newGroup("share-slow", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.LOCK_DURATION, Long.toString(lockMs)));
        produce(topic, 3, null);
        try (KafkaShareConsumer<String, String> slow = member(group, topic, "explicit", 10);
             KafkaShareConsumer<String, String> other = member(group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> held = ShareGroups.pollOnce(slow, TIMEOUT);
            long start = System.nanoTime();
            out.printf("  0.0 s  slow member acquires %s, then processes and never acknowledges%n", offsets(held));
            List<ConsumerRecord<String, String>> back = ShareGroups.pollOnce(other, TIMEOUT.plusMillis(lockMs));
            out.printf("%5.1f s  other member gets %s, deliveryCount() %s: the lock expired%n", seconds(start),
                    offsets(back), back.stream().map(ShareGroups::deliveries).toList());
            back.forEach(other::acknowledge);
            other.commitSync();
        }
        long crashLockMs = settings.lockDurationMs(30_000);
        String crashTopic = createTopic("share-crash");
        String crashGroup = newGroup("share-crash", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.LOCK_DURATION, Long.toString(crashLockMs)));
        produce(crashTopic, 3, null);
        out.printf("Now a lock of %d ms, and a member in another JVM that is killed with SIGKILL:%n", crashLockMs);
        try (ChildJvm holder = ChildJvm.start(kafka, HoldingShareMember.class, crashTopic, crashGroup, "3");
             KafkaShareConsumer<String, String> waiting = member(crashGroup, crashTopic, "explicit", 10)) {
            Wait.until("the member in the child JVM acquires the records", TIMEOUT,
                    () -> !holder.reports(HoldingShareMember.ACQUIRED).isEmpty());
            Report acquired = holder.reports(HoldingShareMember.ACQUIRED).get(0);
            long start = System.nanoTime();
            out.printf("  0.0 s  member in pid %d holds offsets [%s]%n", holder.pid(), acquired.text("offsets"));
            holder.kill();
            out.printf("%5.1f s  kill -9 %d%n", seconds(start), holder.pid());
            List<ConsumerRecord<String, String>> back = ShareGroups.pollOnce(waiting, TIMEOUT.plusMillis(crashLockMs));
            out.printf("%5.1f s  waiting member gets %s, deliveryCount() %s%n", seconds(start), offsets(back),
                    back.stream().map(ShareGroups::deliveries).toList());
            back.forEach(waiting::acknowledge);
            waiting.commitSync();
        }
        out.println("Not after the lock: the killed process's connection closed, and the leader released the");
        out.println("records of the share session on it at once. The lock is for a member that hangs or whose");
        out.println("host vanishes. Beside §4: a consumer group waits for the session timeout (here "
                + settings.value(ShareSettings.SESSION) / 1000 + " s for share");
        out.println("members, group.share.session.timeout.ms) before another member may read the partition.\n");
    }

    // Scene 5: a poison record.
    private void poisonRecord() throws Exception {
        int limit = settings.deliveryCountLimit(3);
        step("Scene 5  a poison record: share.delivery.count.limit=" + limit
                + " (bounds " + settings.value(ShareSettings.LIMIT_MIN) + "-" + settings.value(ShareSettings.LIMIT_MAX) + ")");
        String topic = createTopic("share-poison");
        String group = newGroup("share-poison", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.DELIVERY_COUNT_LIMIT, Integer.toString(limit)));
        produce(topic, 1, null);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaShareConsumer<String, String> member = member(group, topic, "explicit", 10)) {
            for (int i = 1; i <= limit; i++) {
                ConsumerRecord<String, String> record = ShareGroups.pollOnce(member, TIMEOUT).get(0);
                out.printf("  delivery %d of offset %d: deliveryCount() %d, processing fails, RELEASE%n",
                        i, record.offset(), ShareGroups.deliveries(record));
                member.acknowledge(record, AcknowledgeType.RELEASE);
                member.commitSync();
            }
            Wait.until("lag 0", TIMEOUT, () -> lag(group, partition) == 0);
        }
        out.println("Then: " + describe(group, partition) + ". The record is archived: never delivered again");
        out.println("(the start offset shown is the stored one, which trails; the lag counts it as done).");
        out.println("A REJECT archives at once (scene 2).\n");
    }

    // Scene 6: more members than partitions.
    private void threeMembersOnePartition() throws Exception {
        step("Scene 6  three members, one partition");
        String topic = createTopic("share-members");
        String group = newGroup("share-members", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest"));
        Map<String, List<Long>> readBy = new TreeMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("member-1", "member-2", "member-3")) {
            List<Long> read = new CopyOnWriteArrayList<>();
            readBy.put(name, read);
            threads.add(new Thread(() -> acceptOneByOne(group, topic, read, running), name));
        }
        threads.forEach(Thread::start);
        Wait.until("3 members in the group", TIMEOUT, () -> memberCount(group) == 3);
        // A member learns of its assignment at its next heartbeat (every group.share.heartbeat.interval.ms):
        // write 10 records at a time until each member has read some.
        int written = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (readBy.values().stream().anyMatch(List::isEmpty) && System.nanoTime() < deadline) {
            produce(topic, 10, null);
            written += 10;
            int total = written;
            Wait.until(total + " records read", TIMEOUT, () -> readBy.values().stream().mapToInt(List::size).sum() >= total);
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        TextTable table = new TextTable("member", "records", "offsets");
        readBy.forEach((name, read) -> table.row(name, read.size(), abbreviate(read)));
        out.print(table.render());
        out.println("A consumer group gives a partition to one member; a share group to all of them, and each");
        out.println("record to one member at a time.\n");
    }

    private void acceptOneByOne(String group, String topic, List<Long> read, AtomicBoolean running) {
        try (KafkaShareConsumer<String, String> member = member(group, topic, "explicit", 1)) {
            while (running.get()) {
                for (ConsumerRecord<String, String> record : member.poll(Duration.ofMillis(100))) {
                    read.add(record.offset());
                    processFor(100);
                    member.acknowledge(record, AcknowledgeType.ACCEPT);
                }
            }
        }
    }

    private void acls() {
        step("On a cluster with ACLs (checked in Kafka 4.4's KafkaApis)");
        TextTable table = new TextTable("who", "needs");
        table.row("share consumer", "READ on the group; READ on the topic (DESCRIBE to join, READ to fetch/ack)");
        table.row("listShareGroupOffsets", "DESCRIBE on the group");
        table.row("setting group configs", "ALTER_CONFIGS on the group (incrementalAlterConfigs, GROUP resource)");
        table.row("deleteShareGroups", "DELETE on the group");
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
        out.println("  - any number of members can read one partition.");
        out.println("Proof: mvn -pl 06-share-groups -am verify (see 06-share-groups/README.md).");
    }

    // Plumbing.

    private KafkaShareConsumer<String, String> member(String group, String topic, String ackMode, int maxRecords) {
        KafkaShareConsumer<String, String> member = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(kafka, group, ackMode, maxRecords));
        member.subscribe(List.of(topic));
        return member;
    }

    private void draw(String group, TopicPartition partition, Map<Long, State> states) throws Exception {
        Wait.until("the acknowledgements stored", TIMEOUT, () -> lag(group, partition)
                == SharePartitionPicture.lag(startOffset(group, partition), end(partition), states));
        long spso = startOffset(group, partition);
        long end = end(partition);
        out.println();
        out.print(SharePartitionPicture.render(spso, end, states));
        out.printf("Admin listShareGroupOffsets: %s (= end %d - SPSO %d - %d ACK/ARC)%n%n",
                describe(group, partition), end, spso, end - spso - lag(group, partition));
    }

    private String describe(String group, TopicPartition partition) throws ExecutionException, InterruptedException {
        Optional<SharePartitionOffsetInfo> info = ShareGroups.offsets(admin, group, partition);
        return info.map(i -> "start offset " + i.startOffset() + ", lag " + i.lag().map(String::valueOf).orElse("unknown"))
                .orElse("no state stored yet");
    }

    private long startOffset(String group, TopicPartition partition) {
        try {
            return ShareGroups.offsets(admin, group, partition).map(SharePartitionOffsetInfo::startOffset).orElse(-1L);
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private long lag(String group, TopicPartition partition) {
        try {
            return ShareGroups.offsets(admin, group, partition).flatMap(SharePartitionOffsetInfo::lag).orElse(-1L);
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private long end(TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private int memberCount(String group) {
        try {
            return admin.describeShareGroups(List.of(group)).describedGroups().get(group).get().members().size();
        } catch (ExecutionException e) {
            return 0; // GroupIdNotFoundException until the first member's heartbeat creates it
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void produce(String topic, int count, Long timestamp) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, timestamp, null, "record-" + i));
            }
            producer.flush();
        }
    }

    private String createTopic(String prefix) {
        String topic = prefix + "-" + runId;
        // One partition; replication factor: the cluster's default, so the demo also runs on a real cluster.
        Topics.create(admin, new NewTopic(topic, Optional.of(1), Optional.empty()));
        topics.add(topic);
        return topic;
    }

    /** A new share group's id, with its group configs set before any member joins. */
    private String newGroup(String prefix, Map<String, String> configs) throws Exception {
        String group = prefix + "-" + runId + "-" + groups.size();
        if (!configs.isEmpty()) {
            ShareGroups.setGroupConfig(admin, group, configs);
        }
        groups.add(group);
        return group;
    }

    /** Reruns start clean, and an external cluster is left as it was found. */
    private void cleanUp() throws Exception {
        admin.deleteTopics(topics).all().get();
        for (String group : groups) {
            try {
                ShareGroups.delete(admin, group);
            } catch (ExecutionException e) {
                // not created (no member ever joined), or the killed member is still listed until its session ends
            }
        }
    }

    private void step(String title) {
        DemoRunner.heading(out, title);
    }

    private static String offsets(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::offset).toList().toString();
    }

    private static String abbreviate(List<Long> offsets) {
        String text = offsets.toString();
        return text.length() <= 50 ? text : text.substring(0, 46) + " ...]";
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void processFor(long millis) {
        try {
            Thread.sleep(millis); // the member's processing, on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

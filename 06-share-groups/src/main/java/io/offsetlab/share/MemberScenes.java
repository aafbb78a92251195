package io.offsetlab.share;

import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Report;
import io.offsetlab.lab.view.TextTable;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * §6, scenes 4 to 6 of {@code ./run 06}: what happens to the records of a slow member and of a
 * crashed one (§4's question for share groups), a poison record, and three members reading one
 * partition. Lock durations and the delivery limit are the closest the broker allows.
 */
final class MemberScenes {

    private final DemoKit kit;

    MemberScenes(DemoKit kit) {
        this.kit = kit;
    }

    // Scene 4: the lock, and a killed member.
    void slowAndCrashedMembers() throws Exception {
        kit.step("Scene 4  a slow member and a crashed member (§4's question)");
        long lockMs = kit.settings.lockDurationMs(5_000);
        kit.out.printf("share.record.lock.duration.ms=%d for this group (a group config;%n"
                + "the broker's bounds: %d-%d ms, its default %d ms).%n",
                lockMs, kit.settings.value(ShareSettings.LOCK_MIN), kit.settings.value(ShareSettings.LOCK_MAX),
                kit.settings.value(ShareSettings.LOCK_DEFAULT));
        String topic = kit.createTopic("share-slow");
        String group = kit.newGroup("share-slow", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.LOCK_DURATION, Long.toString(lockMs)));
        kit.produce(topic, 3, null);
        try (KafkaShareConsumer<String, String> slow = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 10);
             KafkaShareConsumer<String, String> other = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 10)) {
            List<ConsumerRecord<String, String>> held = ShareGroups.pollOnce(slow, DemoKit.TIMEOUT);
            long start = System.nanoTime();
            kit.out.printf("  0.0 s  slow member acquires %s, then processes and never acknowledges%n", DemoKit.offsets(held));
            List<ConsumerRecord<String, String>> back = ShareGroups.pollOnce(other, DemoKit.TIMEOUT.plusMillis(lockMs));
            if (back.isEmpty()) {
                throw new IllegalStateException("the other member got none of the slow member's records within "
                        + DemoKit.TIMEOUT.plusMillis(lockMs).toSeconds() + " s (lock " + lockMs + " ms)");
            }
            int deliveries = ShareGroups.deliveries(back.get(0));
            // Usually the other member's fetch takes the records when the first lock expires (count 2).
            // Twice in CI, on a loaded machine, they were acquired once more before the other member
            // got them, and that lock ran out too (count 3). The count says which way this run went.
            kit.out.printf("%5.1f s  other member gets %s, deliveryCount() %s: the lock expired%s%n", DemoKit.seconds(start),
                    DemoKit.offsets(back), back.stream().map(ShareGroups::deliveries).toList(),
                    deliveries == 2 ? "" : " " + (deliveries - 1) + " times");
            if (deliveries > 2) {
                kit.out.println("         (acquired once more in between, and that lock ran out as well)");
            }
            back.forEach(other::acknowledge);
            other.commitSync();
        }
        long crashLockMs = kit.settings.lockDurationMs(30_000);
        String crashTopic = kit.createTopic("share-crash");
        String crashGroup = kit.newGroup("share-crash", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.LOCK_DURATION, Long.toString(crashLockMs)));
        kit.produce(crashTopic, 3, null);
        kit.out.printf("Now a lock of %d ms, and a member in another JVM that is killed with SIGKILL:%n", crashLockMs);
        try (ChildJvm holder = ChildJvm.start(kit.kafka, HoldingShareMember.class, crashTopic, crashGroup, "3");
             KafkaShareConsumer<String, String> waiting = kit.member(crashGroup, crashTopic, ShareGroups.EXPLICIT_ACKS, 10)) {
            Wait.until("the member in the child JVM acquires the records", DemoKit.TIMEOUT,
                    () -> !holder.reports(HoldingShareMember.ACQUIRED).isEmpty());
            Report acquired = holder.reports(HoldingShareMember.ACQUIRED).get(0);
            Wait.until("the waiting member knows its assignment", DemoKit.TIMEOUT, () -> {
                waiting.poll(Duration.ofMillis(100)); // nothing to get while the records are held
                return ShareGroups.fetches(waiting) > 0;
            });
            long start = System.nanoTime();
            kit.out.printf("  0.0 s  member in pid %d holds offsets [%s]%n", holder.pid(), acquired.text("offsets"));
            holder.kill();
            kit.out.printf("%5.1f s  kill -9 %d%n", DemoKit.seconds(start), holder.pid());
            List<ConsumerRecord<String, String>> back = ShareGroups.pollOnce(waiting, DemoKit.TIMEOUT.plusMillis(crashLockMs));
            kit.out.printf("%5.1f s  waiting member gets %s, deliveryCount() %s%n", DemoKit.seconds(start), DemoKit.offsets(back),
                    back.stream().map(ShareGroups::deliveries).toList());
            back.forEach(waiting::acknowledge);
            waiting.commitSync();
        }
        kit.out.println("Not after the lock: the killed process's connection closed, and the leader released the");
        kit.out.println("records of the share session on it at once. The lock is for a member that hangs or whose");
        kit.out.println("host vanishes. Beside §4: a consumer group's killed member keeps its partitions until");
        kit.out.println("its session times out. A share member has a session too (group.share.session.timeout.ms,");
        kit.out.println("here " + kit.settings.value(ShareSettings.SESSION) / 1000
                + " s), but its records came back long before that could run out.\n");
    }

    // Scene 5: a poison record.
    void poisonRecord() throws Exception {
        int limit = kit.settings.deliveryCountLimit(3);
        kit.step("Scene 5  a poison record: share.delivery.count.limit=" + limit
                + " (bounds " + kit.settings.value(ShareSettings.LIMIT_MIN) + "-" + kit.settings.value(ShareSettings.LIMIT_MAX) + ")");
        String topic = kit.createTopic("share-poison");
        String group = kit.newGroup("share-poison", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.DELIVERY_COUNT_LIMIT, Integer.toString(limit)));
        kit.produce(topic, 1, null);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaShareConsumer<String, String> member = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 10)) {
            for (int i = 1; i <= limit; i++) {
                ConsumerRecord<String, String> record = ShareGroups.pollOnce(member, DemoKit.TIMEOUT).get(0);
                kit.out.printf("  delivery %d of offset %d: deliveryCount() %d, processing fails, RELEASE%n",
                        i, record.offset(), ShareGroups.deliveries(record));
                member.acknowledge(record, AcknowledgeType.RELEASE);
                member.commitSync();
            }
            Wait.until("lag 0", DemoKit.TIMEOUT, () -> kit.lag(group, partition) == 0);
        }
        kit.out.println("Then: " + kit.describe(group, partition) + ". The record is archived: never delivered again");
        kit.out.println("(the start offset shown is the stored one, which trails; the lag counts it as done).");
        kit.out.println("A REJECT archives at once (scene 2).\n");
    }

    // Scene 6: more members than partitions.
    void threeMembersOnePartition() throws Exception {
        kit.step("Scene 6  three members, one partition");
        String topic = kit.createTopic("share-members");
        String group = kit.newGroup("share-members", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest"));
        Map<String, List<Long>> readBy = new TreeMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("member-1", "member-2", "member-3")) {
            List<Long> read = new CopyOnWriteArrayList<>();
            readBy.put(name, read);
            threads.add(new Thread(() -> acceptOneByOne(group, topic, read, running), name));
        }
        threads.forEach(Thread::start);
        Wait.until("3 members in the group", DemoKit.TIMEOUT, () -> kit.memberCount(group) == 3);
        // A member learns of its assignment at its next heartbeat (every group.share.heartbeat.interval.ms):
        // write 10 records at a time until each member has read some.
        int written = 0;
        long deadline = System.nanoTime() + DemoKit.TIMEOUT.toNanos();
        while (readBy.values().stream().anyMatch(List::isEmpty) && System.nanoTime() < deadline) {
            kit.produce(topic, 10, null);
            written += 10;
            int total = written;
            Wait.until(total + " records read", DemoKit.TIMEOUT, () -> readBy.values().stream().mapToInt(List::size).sum() >= total);
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        TextTable table = new TextTable("member", "records", "offsets");
        readBy.forEach((name, read) -> table.row(name, read.size(), DemoKit.abbreviate(read)));
        kit.out.print(table.render());
        kit.out.println("A consumer group gives a partition to one member; a share group to all of them, and each");
        kit.out.println("record to one member at a time.\n");
    }

    private void acceptOneByOne(String group, String topic, List<Long> read, AtomicBoolean running) {
        try (KafkaShareConsumer<String, String> member = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 1)) {
            while (running.get()) {
                for (ConsumerRecord<String, String> record : member.poll(Duration.ofMillis(100))) {
                    read.add(record.offset());
                    DemoKit.processFor(100);
                    member.acknowledge(record, AcknowledgeType.ACCEPT);
                }
            }
        }
    }
}

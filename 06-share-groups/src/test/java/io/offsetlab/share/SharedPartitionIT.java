package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §6 beyond the article, more members than partitions: in a consumer group a fourth member of
 * a 3-partition topic idles; in a share group every member is assigned the partition and each
 * gets records from it, each record to one member at a time.
 */
@KafkaLab
class SharedPartitionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int RECORDS = 30;
    /** Each record's "processing": long enough that the other members fetch meanwhile. */
    private static final long PROCESSING_MS = 100;

    @Test
    @Claim("6.members")
    void threeMembersShareTheRecordsOfOnePartition(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-members", 1);
        String group = ShareKit.earliestGroup(kafka, "share-members");
        Map<String, List<Long>> readBy = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> members = new ArrayList<>();
        int written = 0;
        for (String name : List.of("member-1", "member-2", "member-3")) {
            readBy.put(name, new CopyOnWriteArrayList<>());
            Thread thread = new Thread(() -> consume(kafka, group, topic, readBy.get(name), running), name);
            members.add(thread);
            thread.start();
        }
        try {
            // GroupIdNotFoundException until the first member's heartbeat created the group.
            await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class).untilAsserted(() -> {
                ShareGroupDescription description = kafka.admin().describeShareGroups(List.of(group)).describedGroups()
                        .get(group).get();
                assertEquals(3, description.members().size(), "3 members in the group");
                for (ShareMemberDescription member : description.members()) {
                    assertEquals(Set.of(new TopicPartition(topic, 0)), member.assignment().topicPartitions(),
                            "every member is assigned the one partition");
                }
            });
            // A member learns of its assignment at its next heartbeat (every group.share.heartbeat.interval.ms,
            // 5 s on a stock broker): write RECORDS at a time until each member has read some.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (readBy.values().stream().anyMatch(List::isEmpty) && System.nanoTime() < deadline) {
                ShareKit.produce(kafka, topic, RECORDS);
                written += RECORDS;
                int total = written;
                await().atMost(TIMEOUT).until(() -> readBy.values().stream().mapToInt(List::size).sum() >= total);
            }
        } finally {
            running.set(false);
            for (Thread member : members) {
                member.join(TIMEOUT.toMillis());
            }
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        readBy.forEach((name, offsets) -> counts.put(name, offsets.size()));
        Figure perMember = Figure.bars("1 partition, " + written + " records, 3 members", "records");
        counts.forEach((name, count) -> perMember.value(name, count));
        Claims.figure(perMember);
        Set<Long> all = new TreeSet<>();
        readBy.values().forEach(all::addAll);
        assertEquals(written, all.size(), "every record was read: " + readBy);
        assertEquals(written, readBy.values().stream().mapToInt(List::size).sum(), "by one member each (accepted, no redelivery): " + readBy);
        readBy.forEach((name, offsets) -> assertTrue(!offsets.isEmpty(), name + " got records from the shared partition: " + counts));
    }

    /** One member: poll one record at a time, process it, ACCEPT it. */
    private static void consume(LabKafka kafka, String group, String topic, List<Long> read, AtomicBoolean running) {
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 1)) {
            while (running.get()) {
                for (ConsumerRecord<String, String> record : member.poll(Duration.ofMillis(100))) {
                    read.add(record.offset());
                    sleep(PROCESSING_MS);
                    member.acknowledge(record, AcknowledgeType.ACCEPT);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // the processing, on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

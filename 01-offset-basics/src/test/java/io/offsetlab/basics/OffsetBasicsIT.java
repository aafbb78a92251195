package io.offsetlab.basics;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.Polling;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * §1 Kafka Offset 机制概述 (overview of the offset mechanism): the four offsets of a partition
 * (log start, end, committed, position), each claim of the article proved on a real broker.
 */
@KafkaLab
class OffsetBasicsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Claim("1.end")
    void endOffsetIsLastOffsetPlusOne(LabKafka kafka) {
        String topic = kafka.createTopic("end-offset", 1);
        TopicPartition tp = new TopicPartition(topic, 0);

        List<RecordMetadata> written = kafka.produce(topic, 0, 5);

        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of())) {
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Claims.figure(Figure.log(written.size() + " records written").mark("last record", written.get(4).offset())
                    .mark("end", end));
            assertEquals(4, written.get(4).offset(), "offsets start at 0: the 5th record has offset 4");
            assertEquals(5L, end, "the end offset is the NEXT offset to be written (last + 1), not the newest record's offset");
        }
    }

    @Test
    @Claim("1.end")
    void endOffsetOfAnEmptyPartitionIsZero(LabKafka kafka) {
        TopicPartition tp = new TopicPartition(kafka.createTopic("empty", 1), 0);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of())) {
            assertEquals(0L, consumer.endOffsets(List.of(tp)).get(tp), "a partition never written to has end offset 0");
            assertEquals(0L, consumer.beginningOffsets(List.of(tp)).get(tp), "and log start 0");
        }
    }

    @Test
    @Claim({"1.offset", "1.end"})
    void readCommittedEndOffsetStopsBeforeAnOpenTransaction(LabKafka kafka) {
        String topic = kafka.createTopic("open-txn", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Object> producerConfig = kafka.producerConfig();
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, LabKafka.uniqueName("txn"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig);
             KafkaConsumer<String, String> uncommitted = kafka.consumer(null, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));
             KafkaConsumer<String, String> committed = kafka.consumer(null, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "in-txn-" + i));
            }
            producer.flush();

            long highWatermark = uncommitted.endOffsets(List.of(tp)).get(tp);
            long lastStable = committed.endOffsets(List.of(tp)).get(tp);
            assertEquals(3L, highWatermark, "read_uncommitted: the end offset is the high watermark, open transaction included");
            assertEquals(0L, lastStable, "read_committed: the end offset is the last stable offset, before the open transaction");

            producer.commitTransaction();
            await("the commit marker is written and the LSO moves").atMost(TIMEOUT).untilAsserted(() ->
                    assertEquals(4L, committed.endOffsets(List.of(tp)).get(tp),
                            "after commit: 3 records (offsets 0-2) + the COMMIT marker (offset 3): end = 4, not 3"));
            long afterCommit = uncommitted.endOffsets(List.of(tp)).get(tp);
            Claims.figure(Figure.log("3 records in a transaction").mark("end, read_committed, while open", lastStable)
                    .mark("end, read_uncommitted, while open", highWatermark).mark("end after commitTransaction()", afterCommit)
                    .note("the COMMIT marker took offset " + (afterCommit - 1)));
            assertEquals(4L, afterCommit, "the marker takes an offset for everyone");
        }
    }

    @Test
    @Claim("1.position")
    void positionMovesOnPollButCommittedDoesNotUntilACommit(LabKafka kafka) {
        String topic = kafka.createTopic("position", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        kafka.produce(topic, 0, 10);
        String group = kafka.newGroupId("position");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manualCommit(4))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> polled = Polling.pollAtLeast(consumer, 4, TIMEOUT);
            long lastPolled = polled.get(polled.size() - 1).offset();
            long position = consumer.position(tp);
            OffsetAndMetadata beforeCommit = consumer.committed(Set.of(tp)).get(tp);

            assertEquals(lastPolled + 1, position, "position = the next offset poll() will return");
            assertNull(beforeCommit, "poll() alone commits nothing (auto commit is off)");

            consumer.commitSync();
            long committed = consumer.committed(Set.of(tp)).get(tp).offset();
            Claims.figure(Figure.log("poll() returned " + polled.size() + " records, then commitSync()")
                    .mark("last polled", lastPolled).mark("position", position).mark("committed after commitSync()", committed)
                    .mark("end", consumer.endOffsets(List.of(tp)).get(tp)).note("committed before commitSync(): none"));
            assertEquals(lastPolled + 1, committed, "commitSync() moved it");
        }
    }

    @Test
    @Claim("1.committed")
    void committedIsNullBeforeAnyCommitNotZero(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("never-committed", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        kafka.produce(topic, 0, 3);
        String group = kafka.newGroupId("never-committed");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manualCommit(500))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 3, TIMEOUT);

            assertNull(consumer.committed(Set.of(tp)).get(tp), "a group that never committed has NO offset: null, not 0");
            assertNull(kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp),
                    "the Admin API agrees: the group has no committed offset for " + tp);
        }
    }

    @Test
    @Claim("1.committed")
    void committedOffsetIsTheNextOffsetToRead(LabKafka kafka) {
        String topic = kafka.createTopic("committed", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        kafka.produce(topic, 0, 10);
        String group = kafka.newGroupId("committed");
        long lastProcessed;
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manualCommit(500))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> processed = Polling.pollAtLeast(consumer, 10, TIMEOUT);
            lastProcessed = processed.get(processed.size() - 1).offset();
            consumer.commitSync();
            assertEquals(10L, consumer.committed(Set.of(tp)).get(tp).offset(),
                    "after processing offsets 0..9 the committed offset is 10, the next one to read (not 9)");
        }
        kafka.produce(topic, 0, 3);
        try (KafkaConsumer<String, String> restarted = kafka.consumer(group, manualCommit(500))) {
            restarted.subscribe(List.of(topic));
            ConsumerRecord<String, String> first = Polling.pollAtLeast(restarted, 1, TIMEOUT).get(0);
            assertEquals(lastProcessed + 1, first.offset(), "a restarted member resumes AT the committed offset");
        }
    }

    @Test
    @Claim("1.committed")
    void commitSyncCommitsThePositionWhetherProcessedOrNot(LabKafka kafka) {
        String topic = kafka.createTopic("commit-position", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        kafka.produce(topic, 0, 10);
        String group = kafka.newGroupId("commit-position");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manualCommit(4))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> polled = Polling.pollAtLeast(consumer, 4, TIMEOUT);
            long processedUpTo = polled.get(1).offset(); // the app handled only the first two records

            consumer.commitSync();

            long committed = consumer.committed(Set.of(tp)).get(tp).offset();
            long lastReturned = polled.get(polled.size() - 1).offset();
            Claims.figure(Figure.log("commitSync() after processing 2 of the " + polled.size() + " records poll() returned")
                    .mark("log start", consumer.beginningOffsets(List.of(tp)).get(tp)).mark("last processed", processedUpTo)
                    .mark("committed", committed).mark("position", consumer.position(tp))
                    .mark("end", consumer.endOffsets(List.of(tp)).get(tp)));
            assertEquals(lastReturned + 1, consumer.position(tp), "the position is the offset after the last record poll() returned");
            assertEquals(lastReturned + 1, committed, "commitSync() with no arguments commits the position: all "
                    + polled.size() + " records poll() returned, though the app processed only offsets 0-" + processedUpTo
                    + "; a restart would skip the rest");
        }
    }

    @Test
    @Claim("1.start")
    void deleteRecordsMovesTheLogStartOffset(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("delete-records", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        kafka.produce(topic, 0, 10);

        kafka.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).all().get();

        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of())) {
            long logStart = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long firstRead = Polling.pollAtLeast(consumer, 1, TIMEOUT).get(0).offset();
            Claims.figure(Figure.log("10 records, then deleteRecords(before 4)").mark("log start", logStart)
                    .mark("first record read from the beginning", firstRead).mark("end", end));
            assertEquals(4L, logStart, "deleteRecords(before 4) moves the log start to 4");
            assertEquals(10L, end, "the end offset does not move");
            assertEquals(4L, firstRead, "the earliest record a consumer can read is now offset 4");
        }
    }

    @Test
    @Claim({"1.offset", "1.start"})
    void retentionMovesTheLogStartOffset(LabKafka kafka) {
        // Retention runs every log.retention.check.interval.ms: every second on the lab broker,
        // every 5 min by default. Read it; wait up to two checks.
        long checkEvery = kafka.settings().value(BrokerSettings.LOG_RETENTION_CHECK);
        assumeTrue(checkEvery <= 30_000, () -> "retention runs every " + checkEvery / 1000 + " s on this cluster ("
                + kafka.settings().describe(List.of(BrokerSettings.LOG_RETENTION_CHECK)) + "): the log start cannot be shown "
                + "moving within about a minute; deleteRecordsMovesTheLogStartOffset shows it moving with deleteRecords");
        // retention.ms = 1 min; the records below are stamped 1 h old, so the broker's next
        // retention check deletes their segment.
        String topic = kafka.createTopic("retention", 1, Map.of("retention.ms", "60000"));
        TopicPartition tp = new TopicPartition(topic, 0);
        long anHourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 5; i++) {
                LabKafka.get(producer.send(new ProducerRecord<>(topic, 0, anHourAgo, null, "old-" + i)));
            }
        }
        long logStart;
        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of())) {
            await("retention deletes the expired segment").atMost(TIMEOUT.plusMillis(2 * checkEvery)).untilAsserted(() ->
                    assertEquals(5L, consumer.beginningOffsets(List.of(tp)).get(tp),
                            "retention deleted offsets 0-4: the log start moved to 5"));
            logStart = consumer.beginningOffsets(List.of(tp)).get(tp);
            assertEquals(5L, consumer.endOffsets(List.of(tp)).get(tp), "the end offset is unchanged");
        }
        RecordMetadata next = kafka.produce(topic, 0, 1).get(0);
        Claims.figure(Figure.log("5 records stamped 1 h ago, retention.ms=60000, retention checked every " + checkEvery + " ms")
                .mark("log start", logStart).mark("next record written", next.offset()));
        assertEquals(5, next.offset(), "offsets are never reused: the next record gets 5, not 0");
    }

    @Test
    @Claim("1.start")
    void offsetsArePerPartition(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("per-partition", 3);
        for (int partition = 0; partition < 3; partition++) {
            kafka.produce(topic, partition, 3 + 2 * partition); // 3, 5 and 7 records
        }
        TopicPartition p1 = new TopicPartition(topic, 1);
        String group = kafka.newGroupId("per-partition");
        try (KafkaConsumer<String, String> consumer = kafka.consumer(group, manualCommit(500))) {
            consumer.assign(List.of(p1));
            Polling.pollAtLeast(consumer, 5, TIMEOUT);
            consumer.commitSync();
        }

        List<TopicPartition> all = List.of(new TopicPartition(topic, 0), p1, new TopicPartition(topic, 2));
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of())) {
            ends = consumer.endOffsets(all);
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
                kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (TopicPartition tp : all) {
            Figure log = Figure.log("partition " + tp.partition() + " of 3, one group").mark("end", ends.get(tp));
            OffsetAndMetadata mine = committed.get(tp);
            Claims.figure(mine == null ? log.note("the group committed nothing here") : log.mark("committed", mine.offset()));
        }
        assertEquals(List.of(3L, 5L, 7L), all.stream().map(ends::get).toList(), "each partition has its own end offset");
        assertEquals(5L, committed.get(p1).offset(), "partition 1 committed its own offset");
        assertNull(committed.get(new TopicPartition(topic, 0)), "partition 0 has none: commits are per partition");
        assertNull(committed.get(new TopicPartition(topic, 2)), "partition 2 has none: commits are per partition");
    }

    /** Auto commit off, so only the test's own commits move the committed offset. */
    private static Map<String, Object> manualCommit(int maxPollRecords) {
        return Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    }
}

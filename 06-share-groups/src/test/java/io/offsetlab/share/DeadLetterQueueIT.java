package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * §6 beyond the article, poison records: a share group may name a dead-letter topic (KIP-1191,
 * group config errors.deadletterqueue.topic.name, in Kafka 4.4 with share.version 2). A record
 * the group archives, because a member REJECTed it or because it reached
 * share.delivery.count.limit, is then written there by the partition leader itself
 * ({@code SharePartition.initiateDLQAndArchive}, {@code ShareGroupDLQStateManager}): a record
 * whose headers say where it came from and why, with the original key and value only when the
 * group sets errors.deadletterqueue.copy.record.enable. The topic must exist with the topic config
 * errors.deadletterqueue.group.enable=true (or the broker must auto-create it,
 * errors.deadletterqueue.auto.create.topics.enable, false by default), and its name must start
 * with the broker's errors.deadletterqueue.topic.name.prefix ("dlq." by default).
 */
@KafkaLab
class DeadLetterQueueIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int LIMIT = 3;

    @Test
    @Claim("6.poison")
    void aRejectedRecordIsWrittenToTheDeadLetterTopicAsHeadersOnlyByDefault(LabKafka kafka) throws Exception {
        ShareSettings settings = settingsWithDeadLetters(kafka);
        String topic = kafka.createTopic("share-dlq-source", 1);
        String deadLetters = deadLetterTopic(kafka, settings);
        // Only the topic: errors.deadletterqueue.copy.record.enable stays Kafka's default, false.
        String group = ShareKit.earliestGroup(kafka, "share-dlq-reject", Map.of(ShareGroups.DLQ_TOPIC, deadLetters));
        produceOneWithAHeader(kafka, topic);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(List.of(0L), records.stream().map(ConsumerRecord::offset).toList(), "the one record, first delivery");
            member.acknowledge(records.get(0), AcknowledgeType.REJECT); // processing failed for good
            member.commitSync();
        }
        ConsumerRecord<String, String> deadLetter = readDeadLetters(kafka, deadLetters, 1).get(0);
        Claims.figure("REJECT: on " + deadLetters + ", " + describe(deadLetter));
        assertEquals(List.of("__dlq.errors.topic=" + topic, "__dlq.errors.partition=0", "__dlq.errors.offset=0",
                        "__dlq.errors.group=" + group, "__dlq.errors.delivery.count=1",
                        "__dlq.errors.message=Offset rejected by client."), headers(deadLetter),
                "the broker's context headers (ShareGroupDLQStateManager.ProduceRequestHandler.headers), nothing else:"
                        + " not the original's header");
        assertNull(deadLetter.key(), "without errors.deadletterqueue.copy.record.enable the dead letter has no key");
        assertNull(deadLetter.value(), "...and no value: only headers");
        ShareKit.awaitLag(kafka, group, topic, 0, "once written, the record is archived (ARCHIVING, then ARCHIVED)");
    }

    @Test
    @Claim("6.poison")
    void aRecordAtTheDeliveryCountLimitIsWrittenToTheDeadLetterTopicWithItsKeyAndValueWhenCopyIsOn(LabKafka kafka)
            throws Exception {
        ShareSettings settings = settingsWithDeadLetters(kafka);
        int limit = settings.deliveryCountLimit(LIMIT);
        String topic = kafka.createTopic("share-dlq-source", 1);
        String deadLetters = deadLetterTopic(kafka, settings);
        String group = ShareKit.earliestGroup(kafka, "share-dlq-limit", Map.of(
                ShareGroups.DELIVERY_COUNT_LIMIT, Integer.toString(limit),
                ShareGroups.DLQ_TOPIC, deadLetters,
                // Copy the record's key and value into the dead letter (Kafka's default: false).
                ShareGroups.DLQ_COPY_RECORD, "true"));
        produceOneWithAHeader(kafka, topic);
        Figure counts = Figure.bars("offset 0 RELEASEd on every delivery, then a dead letter", "");
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            for (int delivery = 1; delivery <= limit; delivery++) {
                List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
                assertEquals(List.of(0L), records.stream().map(ConsumerRecord::offset).toList(), "delivery " + delivery + " of offset 0");
                assertEquals(delivery, ShareGroups.deliveries(records.get(0)), "deliveryCount() of delivery " + delivery);
                counts.value("delivery " + delivery + ": deliveryCount()", ShareGroups.deliveries(records.get(0)));
                member.acknowledge(records.get(0), AcknowledgeType.RELEASE); // processing failed: give it back
                member.commitSync();
            }
        }
        ConsumerRecord<String, String> deadLetter = readDeadLetters(kafka, deadLetters, 1).get(0);
        Claims.figure(counts.value("the dead letter's __dlq.errors.delivery.count", deliveryCountHeader(deadLetter))
                .marker("share.delivery.count.limit", limit).note("on " + deadLetters + ": " + describe(deadLetter)));
        assertEquals(List.of("__dlq.errors.topic=" + topic, "__dlq.errors.partition=0", "__dlq.errors.offset=0",
                        "__dlq.errors.group=" + group, "__dlq.errors.delivery.count=" + limit,
                        "__dlq.errors.message=Offset delivery count exceeded the threshold."), headers(deadLetter),
                "the context headers, with the delivery count of the last delivery and the reason; the original's"
                        + " own header is not copied");
        assertEquals("key-0", deadLetter.key(), "errors.deadletterqueue.copy.record.enable=true copies the key");
        assertEquals("record-0", deadLetter.value(), "...and the value");
        ShareKit.awaitLag(kafka, group, topic, 0, "once written, the record is archived (ARCHIVING, then ARCHIVED)");
    }

    @Test
    @Claim("6.poison")
    void aTopicNotMarkedAsADeadLetterTopicGetsNothingAndTheRecordIsArchivedAnyway(LabKafka kafka) throws Exception {
        ShareSettings settings = settingsWithDeadLetters(kafka);
        String topic = kafka.createTopic("share-dlq-source", 1);
        // The right prefix, but not errors.deadletterqueue.group.enable=true.
        String unmarked = kafka.createTopic(settings.dlqTopicPrefix() + "share-unmarked", 1);
        String group = ShareKit.earliestGroup(kafka, "share-dlq-unmarked", Map.of(ShareGroups.DLQ_TOPIC, unmarked));
        produceOneWithAHeader(kafka, topic);
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(List.of(0L), records.stream().map(ConsumerRecord::offset).toList(), "the one record, first delivery");
            member.acknowledge(records.get(0), AcknowledgeType.REJECT);
            member.commitSync();
        }
        // The broker archives the record only once its attempt to write the dead letter is over
        // (SharePartition.initiateDLQAndArchive), so at lag 0 the attempt has ended.
        ShareKit.awaitLag(kafka, group, topic, 0, "the record is archived, the attempt over");
        TopicPartition partition = new TopicPartition(unmarked, 0);
        long end = kafka.admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        Claims.figure("dead-letter topic without errors.deadletterqueue.group.enable: lag 0, its end offset " + end);
        assertEquals(0L, end, "the broker refuses a topic not marked errors.deadletterqueue.group.enable=true"
                + " (ShareGroupDLQStateManager.ProduceRequestHandler.validateDlqTopic) and archives the record anyway");
    }

    /** The group config itself refuses a name of Kafka's internal kind (GroupConfig.validateValues). */
    @Test
    @Claim("6.poison")
    void aDeadLetterTopicNameStartingWithTwoUnderscoresIsRefused(LabKafka kafka) throws Exception {
        settingsWithDeadLetters(kafka); // a cluster without KIP-1191 does not know the group config at all
        String group = kafka.newGroupId("share-dlq-internal");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> ShareGroups.setGroupConfig(kafka.admin(),
                group, Map.of(ShareGroups.DLQ_TOPIC, "__dlq")));
        assertInstanceOf(InvalidConfigurationException.class, refused.getCause());
        assertEquals("errors.deadletterqueue.topic.name: DLQ topic name must not start with '__'",
                refused.getCause().getMessage());
        Claims.figure(refused.getCause().getMessage());
    }

    /** The broker's settings, when its share.version has dead letters (2); skipped otherwise. */
    static ShareSettings settingsWithDeadLetters(LabKafka kafka) throws ExecutionException, InterruptedException {
        ShareSettings settings = ShareKit.settings(kafka);
        assumeTrue(settings.shareVersion() >= 2, "this cluster finalized share.version " + settings.shareVersion()
                + ": the share-group dead-letter queue needs 2 (ShareVersion.supportsShareGroupDLQ);"
                + " kafka-features.sh upgrade --feature share.version=2");
        return settings;
    }

    /**
     * Creates the dead-letter topic as an operator would: named with the broker's required prefix,
     * and marked as one (errors.deadletterqueue.group.enable, false by default). A topic without
     * the mark is refused as a dead-letter topic, and the broker archives the record anyway.
     */
    static String deadLetterTopic(LabKafka kafka, ShareSettings settings) {
        return kafka.createTopic(settings.dlqTopicPrefix() + "share-dlq", 1,
                Map.of(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, "true"));
    }

    /** Writes "key-0" / "record-0" with a header of its own, trace=t-1, to partition 0. */
    static void produceOneWithAHeader(LabKafka kafka, String topic) {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, 0, "key-0", "record-0");
            record.headers().add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            LabKafka.get(producer.send(record));
        }
    }

    /** Reads the dead-letter topic from its start (a plain consumer, assigned, no group) until {@code count} records. */
    static List<ConsumerRecord<String, String>> readDeadLetters(LabKafka kafka, String deadLetters, int count) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(ClientConfigs.consumer(kafka.backend(), null))) {
            TopicPartition partition = new TopicPartition(deadLetters, 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(read::add);
                assertEquals(count, read.size(), "records the broker wrote to the dead-letter topic " + deadLetters);
            });
        }
        return read;
    }

    /** The record's headers, "name=value" in their order. */
    static List<String> headers(ConsumerRecord<?, ?> record) {
        List<String> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The dead letter's __dlq.errors.delivery.count header as a number; -1 when it has none. */
    static int deliveryCountHeader(ConsumerRecord<?, ?> deadLetter) {
        Header count = deadLetter.headers().lastHeader("__dlq.errors.delivery.count");
        return count == null ? -1 : Integer.parseInt(new String(count.value(), StandardCharsets.UTF_8));
    }

    static String describe(ConsumerRecord<String, String> deadLetter) {
        return "dead letter at offset " + deadLetter.offset() + ", key " + deadLetter.key() + ", value "
                + deadLetter.value() + ", headers " + headers(deadLetter);
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Wait;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * §6, the end of scene 5 of {@code ./run 06}: where a poison record can go instead of nowhere.
 * With a dead-letter topic (KIP-1191, share.version 2), the partition leader writes each record
 * the group archives, after a REJECT or at the delivery count limit, to that topic, with headers
 * that say where it came from and why (Kafka 4.4: {@code SharePartition.initiateDLQAndArchive},
 * {@code ShareGroupDLQStateManager}).
 */
final class DeadLetterScene {

    private final DemoKit kit;

    DeadLetterScene(DemoKit kit) {
        this.kit = kit;
    }

    void show() throws Exception {
        if (kit.settings.shareVersion() < 2) {
            kit.out.println("A dead-letter topic (KIP-1191) needs share.version 2; this cluster has "
                    + kit.settings.shareVersion() + ": skipped.\n");
            return;
        }
        int limit = kit.settings.deliveryCountLimit(3);
        String prefix = kit.settings.dlqTopicPrefix();
        // The dead-letter topic: its name has the prefix the broker requires, and it is marked as one
        // (errors.deadletterqueue.group.enable, false by default: the broker refuses an unmarked topic).
        String deadLetters = kit.createTopic(prefix + "share-dead-letters",
                Map.of(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, "true"));
        String topic = kit.createTopic("share-poison-dlq");
        String group = kit.newGroup("share-poison-dlq", Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.DELIVERY_COUNT_LIMIT, Integer.toString(limit),
                // Where the broker writes what the group archives, and with the key and value
                // (default false: a record of headers only).
                ShareGroups.DLQ_TOPIC, deadLetters,
                ShareGroups.DLQ_COPY_RECORD, "true"));
        kit.out.println("The same with a dead-letter topic (KIP-1191), set with two group configs:");
        kit.out.println("  " + ShareGroups.DLQ_TOPIC + "=" + deadLetters);
        kit.out.println("  " + ShareGroups.DLQ_COPY_RECORD + "=true (default false: headers only)");
        kit.out.println("on a topic created with " + TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG
                + "=true, named with the");
        kit.out.println("prefix the broker requires (errors.deadletterqueue.topic.name.prefix=\"" + prefix + "\").");
        kit.produce(topic, 2, null);
        rejectOffset0ReleaseOffset1(group, topic, limit);
        List<ConsumerRecord<String, String>> written = read(deadLetters, 2);
        kit.out.println("The broker wrote to " + deadLetters + " (read with a plain consumer):");
        for (ConsumerRecord<String, String> deadLetter : written) {
            kit.out.printf("  offset %d: key %s, value \"%s\"%n", deadLetter.offset(), deadLetter.key(), deadLetter.value());
            for (Header header : deadLetter.headers()) {
                kit.out.println("    " + header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        Wait.until("lag 0", DemoKit.TIMEOUT, () -> kit.lag(group, partition) == 0);
        kit.out.println("Then " + kit.describe(group, partition) + ": both archived. The leader writes the dead letter");
        kit.out.println("itself, as the broker: members need no ACL on that topic.\n");
    }

    /** Offset 0 is REJECTed at once; offset 1 is RELEASEd until it reaches the delivery count limit. */
    private void rejectOffset0ReleaseOffset1(String group, String topic, int limit) {
        try (KafkaShareConsumer<String, String> member = kit.member(group, topic, ShareGroups.EXPLICIT_ACKS, 10)) {
            boolean rejected = false;
            int releases = 0;
            long deadline = System.nanoTime() + DemoKit.TIMEOUT.toNanos();
            while ((!rejected || releases < limit) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : ShareGroups.pollOnce(member, DemoKit.TIMEOUT)) {
                    AcknowledgeType type = record.offset() == 0 ? AcknowledgeType.REJECT : AcknowledgeType.RELEASE;
                    kit.out.printf("  offset %d, deliveryCount() %d: %s%n", record.offset(), ShareGroups.deliveries(record), type.name());
                    member.acknowledge(record, type);
                    rejected |= type == AcknowledgeType.REJECT;
                    releases += type == AcknowledgeType.RELEASE ? 1 : 0;
                }
                member.commitSync();
            }
        }
    }

    /** The dead-letter topic from its start, until {@code count} records are there. */
    private List<ConsumerRecord<String, String>> read(String deadLetters, int count) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(ClientConfigs.consumer(kit.kafka, null))) {
            TopicPartition partition = new TopicPartition(deadLetters, 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            Wait.until(count + " dead letters", DemoKit.TIMEOUT, () -> {
                reader.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= count;
            });
        }
        return read;
    }
}

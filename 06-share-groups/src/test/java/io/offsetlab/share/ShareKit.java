package io.offsetlab.share;

import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Map;
import java.util.concurrent.ExecutionException;

/** What the §6 tests share: a share group that starts at the earliest offset, members, records. */
final class ShareKit {

    private ShareKit() {
    }

    /** A new share group id whose share partitions start at the log start (the default, latest, would skip what is there). */
    static String earliestGroup(LabKafka kafka, String prefix) throws ExecutionException, InterruptedException {
        String group = kafka.newGroupId(prefix);
        ShareGroups.setGroupConfig(kafka.admin(), group, Map.of(ShareGroups.AUTO_OFFSET_RESET, "earliest"));
        return group;
    }

    /** A share consumer of {@code group}, subscribed to {@code topic}. */
    static KafkaShareConsumer<String, String> member(LabKafka kafka, String group, String topic, String ackMode, int maxRecords) {
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(kafka.backend(), group, ackMode, maxRecords));
        consumer.subscribe(java.util.List.of(topic));
        return consumer;
    }

    /** Writes {@code count} records "record-i" to partition 0 in one batch (sent together, then flushed). */
    static void produce(LabKafka kafka, String topic, int count) {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "record-" + i));
            }
            producer.flush();
        }
    }

    static ShareSettings settings(LabKafka kafka) throws ExecutionException, InterruptedException {
        return ShareSettings.read(kafka.backend());
    }
}

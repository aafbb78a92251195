package io.offsetlab.poll;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The plumbing {@link PollIntervalDemo}'s scenes share: a new topic of two partitions, a
 * producer that is ready before a member's clock starts, ten records per partition, and the
 * words for what a poll returned. The scenes' Kafka calls on the members stay in the scenes.
 */
final class SceneTopics {

    /** How long a scene waits for the group to settle or a record to come. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private SceneTopics() {
    }

    /** A new topic of 2 partitions, named {@code name}-RANDOM. */
    static String create(KafkaBackend kafka, String name) throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            Topics.create(admin, new NewTopic(topic, Optional.of(2), Optional.empty()));
        }
        return topic;
    }

    /**
     * A producer that already knows the topic's leaders. Producing happens between a member's
     * polls, and that member's max.poll.interval.ms (2 s in scene 1) is running: a producer
     * that connects and fetches metadata only then can take longer than that on a loaded
     * machine, and the member leaves the group before the scene begins.
     */
    static KafkaProducer<String, String> readyProducer(KafkaBackend kafka, String topic) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka));
        try {
            producer.partitionsFor(topic); // connects and fetches the topic's metadata now
            return producer;
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** Ten records to each of partitions 0 and 1. */
    static void produce(KafkaProducer<String, String> producer, String topic) {
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, p, null, "record-" + i));
            }
        }
        producer.flush();
    }

    /** "5-9": the first and last offset of {@code records} in {@code tp}. */
    static String range(ConsumerRecords<String, String> records, TopicPartition tp) {
        List<ConsumerRecord<String, String>> list = records.records(tp);
        return list.get(0).offset() + "-" + list.get(list.size() - 1).offset();
    }

    /** Sleeping IS the behaviour: processing that takes this long, without calling poll(). */
    static void slowProcessing(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}

package io.offsetlab.commit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * §3 the article's example, translated from Python (confluent_kafka) to Java: auto commit
 * off, poll with a 1 s timeout, print each message, commit after each message. The Python
 * is beside it in this chapter's README, line by line.
 *
 * <p>Two differences a translation cannot hide. Python's {@code poll()} returns one message,
 * Java's a batch, so the loop over the batch is Java's. And confluent_kafka's
 * {@code commit(msg)} commits offset {@code msg.offset() + 1} asynchronously, so its Java
 * twin is {@code commitAsync} with that offset, not {@code commitSync()}.
 *
 * <pre>java -cp ... io.offsetlab.commit.ArticleExample</pre> runs it as the article does,
 * against localhost:9092 and topic my-topic, until Ctrl-C.
 */
public final class ArticleExample {

    private ArticleExample() {
    }

    public static void main(String[] args) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                ConsumerConfig.GROUP_ID_CONFIG, "my-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("my-topic"));
            consume(consumer, System.out, () -> true);
        }
    }

    /** The article's loop: poll for up to 1 s, print each message, commit after each one. */
    static void consume(Consumer<String, String> consumer, PrintStream out, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                out.println("Received message: " + record.value());
                commit(consumer, record);
            }
        }
    }

    /** confluent_kafka's {@code consumer.commit(msg)}: the offset after this message, asynchronously. */
    static void commit(Consumer<?, ?> consumer, ConsumerRecord<?, ?> record) {
        commit(consumer, record, null);
    }

    /**
     * The same commit, with a callback that hears the broker's answer. It runs on this thread,
     * inside a later poll() or commit call: until then the commit is in flight.
     */
    static void commit(Consumer<?, ?> consumer, ConsumerRecord<?, ?> record, OffsetCommitCallback answered) {
        consumer.commitAsync(Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1)), answered);
    }
}

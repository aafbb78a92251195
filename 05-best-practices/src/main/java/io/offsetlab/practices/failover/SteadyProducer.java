package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer on its own thread that writes a steady stream: {@code perTick} records every
 * 100 ms, spread over the partitions, until {@code records} are sent. It counts what the
 * cluster acknowledged and what failed, so that "nothing lost" can be checked against what was
 * really written.
 */
final class SteadyProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile boolean stopped;

    private SteadyProducer(KafkaProducer<String, String> producer, String topic, int partitions, int records, int perTick) {
        this.producer = producer;
        this.thread = new Thread(() -> write(topic, partitions, records, perTick), "steady-producer");
    }

    static SteadyProducer start(KafkaBackend kafka, String topic, int partitions, int records, int perTick) {
        Map<String, Object> config = ClientConfigs.producer(kafka);
        // Kafka's defaults, said out loud: a write is acknowledged once every in-sync replica has
        // it, and retries (idempotent, so without duplicates) ride out a leader's death.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        SteadyProducer producer = new SteadyProducer(new KafkaProducer<>(config), topic, partitions, records, perTick);
        producer.thread.start();
        return producer;
    }

    private void write(String topic, int partitions, int records, int perTick) {
        for (int i = 0; i < records && !stopped; i++) {
            producer.send(new ProducerRecord<>(topic, i % partitions, "key-" + i, "record-" + i), (metadata, e) -> {
                if (e == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
            if ((i + 1) % perTick == 0) {
                pace();
            }
        }
        producer.flush();
    }

    /** Sleeping IS the behaviour: a stream that arrives over time, not all at once. */
    private static void pace() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every record was sent and answered; returns how many the cluster acknowledged. */
    int awaitAcked(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new IllegalStateException("the producer did not finish within " + timeout.toSeconds() + " s");
        }
        return acked.get();
    }

    int failed() {
        return failed.get();
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}

package io.offsetlab.practices;

import io.offsetlab.lab.BrokerSettings;
import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.ExternalCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * §5 when duplicates are unacceptable: consume, transform, produce, exactly once. Each poll
 * batch becomes one transaction holding both the output records and the input offsets
 * ({@code sendOffsetsToTransaction}): either both are committed or neither is, so a crash
 * can never leave "output written, offset not committed" (the duplicate of at-least-once).
 * Readers of the output must use isolation.level=read_committed, or they also see the
 * records of aborted transactions.
 *
 * <p>Runs in its own JVM so that a test can kill it (SIGKILL):
 * <pre>TransactionalProcessor --bootstrap-server HOST:PORT [--command-config FILE]
 *     INPUT_TOPIC OUTPUT_TOPIC GROUP TRANSACTIONAL_ID [--exit-at-end]</pre>
 * The output record for input partition p, offset o has the value "p@o". After each
 * transaction it prints "committed N" (records so far in this run). With --exit-at-end it
 * exits once it has processed up to the end offsets it saw at start.
 */
public final class TransactionalProcessor {

    /** Milliseconds of "work" per record, so that a kill lands in the middle of a transaction. */
    static final int WORK_MILLIS = 2;
    static final int MAX_POLL_RECORDS = 50;

    private TransactionalProcessor() {
    }

    public static void main(String[] args) throws InterruptedException {
        ExternalCluster.CommandLine commandLine = ExternalCluster.CommandLine.parse(args);
        ExternalCluster cluster = commandLine.cluster();
        List<String> rest = commandLine.rest(); // INPUT_TOPIC OUTPUT_TOPIC GROUP TRANSACTIONAL_ID [--exit-at-end]
        String input = rest.get(0);
        String output = rest.get(1);
        boolean exitAtEnd = rest.contains("--exit-at-end");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(cluster, rest.get(2)));
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(cluster, rest.get(3)))) {
            // Fences any earlier producer with this transactional.id (a crashed one, a zombie)
            // and aborts the transaction it left open.
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            // Where to stop with --exit-at-end: the end of every partition of the input, as of now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.partitionsFor(input).stream()
                    .map(p -> new TopicPartition(input, p.partition())).toList());
            int committed = 0;
            while (!(exitAtEnd && atEnd(consumer, ends))) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                for (ConsumerRecord<String, String> record : records) {
                    Thread.sleep(WORK_MILLIS); // the work
                    producer.send(new ProducerRecord<>(output, record.key(), record.partition() + "@" + record.offset()));
                }
                // The input offsets join the transaction: committed with the output or not at all.
                producer.sendOffsetsToTransaction(records.nextOffsets(), consumer.groupMetadata());
                producer.commitTransaction();
                committed += records.count();
                System.out.println("committed " + committed);
                System.out.flush();
            }
        }
    }

    static Map<String, Object> consumerConfig(ExternalCluster cluster, String group) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets go through the transaction only
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the input may be transactional too
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // A killed member holds its partitions until its session ends (default 45 s); 2 s keeps the
        // restart quick where the broker allows it (group.min.session.timeout.ms, read from it).
        int session = BrokerSettings.of(cluster).classicSessionTimeoutMs(2000);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, session / 4);
        return config;
    }

    static Map<String, Object> producerConfig(ExternalCluster cluster, String transactionalId) {
        Map<String, Object> config = ClientConfigs.producer(cluster);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId); // implies enable.idempotence=true, acks=all
        return config;
    }

    private static boolean atEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        return consumer.assignment().containsAll(ends.keySet())
                && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}

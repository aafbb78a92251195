package io.offsetlab.practices.exactlyonce;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.ClusterArgs;
import io.offsetlab.lab.run.Report;
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
 *     INPUT_TOPIC OUTPUT_TOPIC GROUP TRANSACTIONAL_ID [--exit-at-end] [--hold-open-after N]</pre>
 * The output record for input partition p, offset o has the value "p@o". It reports each
 * step of each transaction to whoever started it, in a {@link Report} flushed at once:
 * <ul>
 *   <li>{@code @lab sent records=N}: the N output records of this poll batch are on the
 *       broker (flushed), and the transaction holding them is open, not committed yet;</li>
 *   <li>{@code @lab committed total=N}: that transaction is committed; N counts the records of
 *       every transaction committed so far in this run.</li>
 * </ul>
 * With --exit-at-end it exits once it has processed up to the end offsets it saw at start.
 * With --hold-open-after N, once at least N records are committed, it holds its next
 * transaction open after the "sent" report until it is killed, as a processor stuck in the
 * middle of its work would: a kill then lands inside that transaction for certain.
 */
public final class TransactionalProcessor {

    static final int MAX_POLL_RECORDS = 50;
    static final String EXIT_AT_END = "--exit-at-end";
    static final String HOLD_OPEN_AFTER = "--hold-open-after";
    /** Reported once a batch's output is on the broker in the open transaction (field records: how many). */
    static final String SENT = "sent";
    /** Reported once a transaction is committed (field total: the records committed so far in this run). */
    static final String COMMITTED = "committed";
    /**
     * How long a held transaction stays open if nobody kills the processor: Kafka's default
     * transaction.timeout.ms, after which the transaction coordinator aborts it anyway.
     */
    static final Duration HOLD_OPEN = Duration.ofMinutes(1);

    private TransactionalProcessor() {
    }

    public static void main(String[] args) throws InterruptedException {
        ClusterArgs commandLine = ClusterArgs.parse(args);
        ExternalCluster cluster = commandLine.cluster();
        List<String> rest = commandLine.rest(); // INPUT_TOPIC OUTPUT_TOPIC GROUP TRANSACTIONAL_ID [options]
        String input = rest.get(0);
        String output = rest.get(1);
        boolean exitAtEnd = rest.contains(EXIT_AT_END);
        int holdOpenAfter = rest.contains(HOLD_OPEN_AFTER)
                ? Integer.parseInt(rest.get(rest.indexOf(HOLD_OPEN_AFTER) + 1)) : Integer.MAX_VALUE;
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
                    producer.send(new ProducerRecord<>(output, record.key(), record.partition() + "@" + record.offset()));
                }
                producer.flush(); // on the broker now, in the open transaction: read_uncommitted readers see them
                Report.emit(SENT, Map.of("records", records.count()));
                if (committed >= holdOpenAfter) {
                    holdTheTransactionOpen();
                }
                // The input offsets join the transaction: committed with the output or not at all.
                producer.sendOffsetsToTransaction(records.nextOffsets(), consumer.groupMetadata());
                producer.commitTransaction();
                committed += records.count();
                Report.emit(COMMITTED, Map.of("total", committed));
            }
        }
    }

    /**
     * Does nothing with the transaction open, as a processor stuck in its work would, until it
     * is killed (--hold-open-after). The waiting is the behaviour; if no kill comes within
     * {@link #HOLD_OPEN}, the processor gives up.
     */
    private static void holdTheTransactionOpen() throws InterruptedException {
        Thread.sleep(HOLD_OPEN.toMillis());
        throw new IllegalStateException("held a transaction open for " + HOLD_OPEN.toSeconds() + " s and was not killed");
    }

    static Map<String, Object> consumerConfig(ExternalCluster cluster, String group) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets go through the transaction only
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the input may be transactional too
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group processes the input from its start
        // One poll batch is one transaction: small batches make many transactions, so a kill lands inside one.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // A killed member holds its partitions until its session ends (default 45 s); 2 s keeps the
        // restart quick where the broker allows it (group.min.session.timeout.ms, read from it).
        int session = BrokerSettings.of(cluster).classicSessionTimeoutMs(2000);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, session / 4); // under the third of the session Kafka advises
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

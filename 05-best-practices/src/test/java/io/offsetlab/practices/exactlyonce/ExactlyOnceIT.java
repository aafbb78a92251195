package io.offsetlab.practices.exactlyonce;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Report;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 when duplicates are unacceptable: a {@link TransactionalProcessor} (consume, transform,
 * produce, offsets in the transaction) is killed with SIGKILL while a transaction is open, its
 * records already on the broker, and restarted. A read_uncommitted reader of the output sees
 * the records of that aborted transaction; a read_committed reader sees every input exactly
 * once. A processor that committed its offsets after each batch instead would have left those
 * records visible to read_committed too, and read them again after the restart.
 */
@KafkaLab
@Claim("5.exactly-once")
class ExactlyOnceIT {

    private static final int PARTITIONS = 2;
    private static final int PER_PARTITION = 600;
    /** The first run holds a transaction open once this many records are committed, and is killed then. */
    private static final int KILL_AFTER = 300;

    @Test
    void aProcessorKilledInAnOpenTransactionAndRestartedWritesEveryInputExactlyOnce(LabKafka kafka) throws Exception {
        String input = kafka.createTopic("s5-eos-in", PARTITIONS);
        String output = kafka.createTopic("s5-eos-out", 1);
        String group = kafka.newGroupId("s5-eos");
        String transactionalId = "s5-eos-" + group;
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(input, p, "key-" + i, "record-" + i));
                }
            }
        }
        String[] args = {input, output, group, transactionalId};

        Progress atKill;
        try (ChildJvm first = ChildJvm.start(kafka.backend(), TransactionalProcessor.class,
                append(args, TransactionalProcessor.HOLD_OPEN_AFTER, String.valueOf(KILL_AFTER)))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertTrue(first.isAlive(), "the processor runs until it is killed:\n" + first.output());
                return progress(first).holdingOpen();
            });
            first.kill(); // SIGKILL: its transaction is open, its records on the broker
            atKill = progress(first);
        }
        Progress restart;
        try (ChildJvm second = ChildJvm.start(kafka.backend(), TransactionalProcessor.class,
                append(args, TransactionalProcessor.EXIT_AT_END))) {
            assertEquals(0, second.waitFor(Duration.ofSeconds(90)), "the restarted processor finishes the input:\n" + second.output());
            restart = progress(second);
        }

        List<String> committedReads = readAll(kafka, output, "read_committed");
        List<String> uncommittedReads = readAll(kafka, output, "read_uncommitted");
        Set<String> inputs = IntStream.range(0, PARTITIONS).boxed()
                .flatMap(p -> IntStream.range(0, PER_PARTITION).mapToObj(o -> p + "@" + o)).collect(Collectors.toSet());
        int open = atKill.sentInOpenTransaction();
        Claims.figure(Figure.bars("exactly once, killed in an open transaction", "records")
                .value("committed before the kill", atKill.committed()).value("sent in the open transaction", open)
                .value("committed by the restart", restart.committed()).value("read_committed reads", committedReads.size())
                .value("read_uncommitted reads", uncommittedReads.size()).marker("inputs", inputs.size())
                .note((uncommittedReads.size() - committedReads.size()) + " of the read_uncommitted reads are from the aborted "
                        + "transaction"));
        assertAll(
                () -> assertEquals(inputs, new HashSet<>(committedReads), "every input appears in the output (nothing lost)"),
                () -> assertEquals(inputs.size(), committedReads.size(),
                        "and exactly once: no duplicates under read_committed, though the processor was killed with "
                                + open + " records sent in an open transaction"),
                () -> assertEquals(inputs.size() + open, uncommittedReads.size(),
                        "read_uncommitted also sees the " + open + " records the processor said it had sent in the open"
                                + " transaction: they were written, then aborted, and their inputs written again"),
                () -> assertEquals(inputs.size() - atKill.committed(), restart.committed(),
                        "the restart processes exactly what was not committed: the input offsets of the open transaction"
                                + " were not committed either (" + atKill.committed() + " were, with their output)"));
    }

    /**
     * What a processor's reports say: records committed so far, and how many it sent in the
     * transaction it has open now (0 when its last report is a commit).
     */
    private record Progress(int committed, int sentInOpenTransaction) {

        /** Whether it holds the transaction it opened once KILL_AFTER records were committed. */
        boolean holdingOpen() {
            return committed >= KILL_AFTER && sentInOpenTransaction > 0;
        }
    }

    private static Progress progress(ChildJvm processor) {
        int committed = 0;
        int open = 0;
        for (Report report : Report.parse(processor.output())) {
            if (report.event().equals(TransactionalProcessor.SENT)) {
                open = (int) report.number("records");
            } else if (report.event().equals(TransactionalProcessor.COMMITTED)) {
                committed = (int) report.number("total");
                open = 0;
            }
        }
        return new Progress(committed, open);
    }

    private static String[] append(String[] args, String... extra) {
        String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return all;
    }

    /** Every value in {@code topic}, read from the beginning to its end with {@code isolation}. */
    private static List<String> readAll(LabKafka kafka, String topic, String isolation) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> reader = kafka.consumer(null, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            reader.assign(List.of(tp));
            reader.seekToBeginning(List.of(tp));
            long end = reader.endOffsets(List.of(tp)).get(tp); // LSO for read_committed, high watermark otherwise
            List<String> values = new ArrayList<>();
            Polling.pollUntil(reader, Duration.ofSeconds(30), "the reader to reach " + end, records -> records.forEach(r -> values.add(r.value())),
                    () -> reader.position(tp) >= end);
            return values;
        }
    }
}

package io.offsetlab.practices;

import io.offsetlab.lab.ChildJvm;
import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.Polling;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §5 when duplicates are unacceptable: a {@link TransactionalProcessor} (consume, transform,
 * produce, offsets in the transaction) is killed with SIGKILL in the middle of the stream and
 * restarted. A read_committed reader of the output then sees every input exactly once.
 */
@KafkaLab
@Claim("5.exactly-once")
class ExactlyOnceIT {

    private static final int PER_PARTITION = 600;
    private static final Pattern COMMITTED = Pattern.compile("committed (\\d+)");

    @Test
    void aProcessorKilledMidStreamAndRestartedWritesEveryInputExactlyOnce(LabKafka kafka) throws Exception {
        String input = kafka.createTopic("s5-eos-in", 2);
        String output = kafka.createTopic("s5-eos-out", 1);
        String group = kafka.newGroupId("s5-eos");
        String transactionalId = "s5-eos-" + group;
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(input, p, "key-" + i, "record-" + i));
                }
            }
        }
        String[] args = {input, output, group, transactionalId};

        int committedBeforeKill;
        try (ChildJvm first = ChildJvm.start(kafka.backend(), TransactionalProcessor.class, args)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedSoFar(first) >= 300);
            first.kill(); // SIGKILL: in the middle of a transaction, most likely with records already sent
            committedBeforeKill = committedSoFar(first);
        }
        try (ChildJvm second = ChildJvm.start(kafka.backend(), TransactionalProcessor.class, append(args, "--exit-at-end"))) {
            assertEquals(0, second.waitFor(Duration.ofSeconds(90)), "the restarted processor finishes the input:\n" + second.output());
        }

        List<String> committedReads = readAll(kafka, output, "read_committed");
        List<String> uncommittedReads = readAll(kafka, output, "read_uncommitted");
        Set<String> inputs = IntStream.range(0, 2).boxed()
                .flatMap(p -> IntStream.range(0, PER_PARTITION).mapToObj(o -> p + "@" + o)).collect(Collectors.toSet());
        Claims.figure(String.format("exactly once: %d inputs, %d in committed transactions at the kill; read_committed "
                        + "reads %d, read_uncommitted reads %d (%d from aborted transactions)", inputs.size(), committedBeforeKill,
                committedReads.size(), uncommittedReads.size(), uncommittedReads.size() - committedReads.size()));
        assertAll(
                () -> assertEquals(inputs, new HashSet<>(committedReads), "every input appears in the output (nothing lost)"),
                () -> assertEquals(inputs.size(), committedReads.size(),
                        "and exactly once: no duplicates under read_committed, though the processor was killed mid-stream"));
    }

    /** The processor's last "committed N" line (N records in committed transactions), or 0. */
    private static int committedSoFar(ChildJvm processor) {
        Matcher m = COMMITTED.matcher(processor.output());
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static String[] append(String[] args, String extra) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = extra;
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
            Polling.pollUntil(reader, Duration.ofSeconds(30), records -> records.forEach(r -> values.add(r.value())),
                    () -> reader.position(tp) >= end);
            return values;
        }
    }
}

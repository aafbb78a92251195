package io.offsetlab.basics;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.LogPicture;
import io.offsetlab.lab.view.OffsetTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * §1 Kafka Offset 机制概述: the four offsets of a partition, drawn after each step.
 * <ol>
 *   <li>produce 10 records: the end offset is 10, one past the newest record (9);</li>
 *   <li>a consumer polls 6: its position is 6, the group's committed offset is still none;</li>
 *   <li>commitSync(): committed = 6, the next offset to read, not the last one read (5);</li>
 *   <li>deleteRecords(before 3): the log start moves to 3, as retention moves it;</li>
 *   <li>poll the rest without committing: position 10, committed stays 6;</li>
 *   <li>three partitions: every partition has its own four offsets.</li>
 * </ol>
 */
public final class OffsetBasicsDemo {

    static final Runner RUNNER = Runner.demo("./run 01", OffsetBasicsDemo::run)
            .describe("§1 Kafka Offset 机制概述 (overview of the offset mechanism): the four offsets of a partition");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final KafkaBackend kafka;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    private OffsetBasicsDemo(KafkaBackend kafka, Admin admin, PrintStream out) {
        this.kafka = kafka;
        this.admin = admin;
        this.out = out;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            OffsetBasicsDemo demo = new OffsetBasicsDemo(kafka, admin, out);
            demo.onePartition();
            demo.threePartitions();
            demo.whatToNotice();
        }
    }

    private void onePartition() throws Exception {
        String topic = createTopic("offset-basics", 1);
        String group = "offset-basics-group-" + runId;
        TopicPartition tp = new TopicPartition(topic, 0);
        out.println("Topic " + topic + " (1 partition), consumer group " + group + ".\n");

        step("Step 1  produce 10 records (§1 End Offset)");
        List<RecordMetadata> written = produce(topic, 0, 10);
        out.printf("The broker gave the records offsets %d..%d.%n", written.get(0).offset(), written.get(9).offset());
        draw(group, tp, null);
        out.println("end = 10: the offset the NEXT record will get, one past the newest record (9).");
        out.println("The article calls it \"the offset of the newest message\": off by one.\n");

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            step("Step 2  a consumer polls 6 records and processes them (§1 Current Offset)");
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> first = Polling.pollAtLeast(consumer, 6, TIMEOUT);
            out.printf("poll() returned offsets %d..%d.%n", first.get(0).offset(), last(first).offset());
            draw(group, tp, consumer);
            out.println("position moved with poll(); committed did not: nothing was committed yet.\n");

            step("Step 3  commitSync() (§1 Committed Offset)");
            consumer.commitSync();
            draw(group, tp, consumer);
            out.printf("committed = %d: the NEXT offset to read, one past the last processed record (%d).%n",
                    consumer.position(tp), last(first).offset());
            out.println("The article says it is \"the data the consumer has consumed\": off by one.\n");

            step("Step 4  Admin.deleteRecords(before offset 3) (§1 Start Offset)");
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();
            draw(group, tp, consumer);
            out.println("log-start = 3: offsets 0-2 are gone. Retention moves it the same way, whole segments at a time.\n");

            step("Step 5  poll the remaining records, no commit");
            List<ConsumerRecord<String, String>> rest = Polling.pollAtLeast(consumer, (int) (10 - consumer.position(tp)), TIMEOUT);
            out.printf("poll() returned offsets %d..%d.%n", rest.get(0).offset(), last(rest).offset());
            draw(group, tp, consumer);
            out.println("position = end: this consumer has read everything; committed is still 6, so a restart");
            out.println("of the group would read offsets 6..9 again (chapter 03).\n");
        }
        deleteTopic(topic, group);
    }

    private void threePartitions() throws Exception {
        String topic = createTopic("offset-basics-3p", 3);
        String group = "offset-basics-3p-group-" + runId;
        step("Step 6  three partitions: 3, 5 and 7 records; commit; then 2 more records to partition 2");
        for (int partition = 0; partition < 3; partition++) {
            produce(topic, partition, 3 + 2 * partition);
        }
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                new TopicPartition(topic, 2));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            consumer.subscribe(List.of(topic));
            Polling.pollAtLeast(consumer, 15, TIMEOUT);
            consumer.commitSync();
            produce(topic, 2, 2);
            out.print(OffsetTable.render(OffsetProbe.snapshot(admin, group, partitions, consumer)));
        }
        out.println("Each partition has its own log start, end, committed offset and position: offset 4 of");
        out.println("partition 1 and offset 4 of partition 2 are different records. Only partition 2 has lag.\n");
        deleteTopic(topic, group);
    }

    private void whatToNotice() {
        out.println("What to notice (§1):");
        out.println("  - end offset = last offset + 1 (0 for an empty partition); offsets start at 0.");
        out.println("  - committed offset = the next offset the group reads after a restart (last processed + 1);");
        out.println("    a group that never committed has none (committed() returns null, not 0).");
        out.println("  - position moves on every poll(); committed moves only when you commit.");
        out.println("  - log start moves with retention and with deleteRecords; offsets below it are gone.");
        out.println("  - all four are per partition.");
        out.println("Proof: mvn -pl 01-offset-basics -am verify (see 01-offset-basics/README.md).");
    }

    private Map<String, Object> consumerConfig(String group) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // The group is new: start at the log start, not at the end (the default, latest).
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // We commit by hand, so the committed offset moves only when the demo says so.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Hand out at most 6 records per poll(), so step 2 stops part-way through the log.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 6);
        return config;
    }

    private List<RecordMetadata> produce(String topic, int partition, int count) throws Exception {
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < count; i++) {
                written.add(producer.send(new ProducerRecord<>(topic, partition, null, "record-" + i)).get());
            }
        }
        return written;
    }

    private void draw(String group, TopicPartition tp, KafkaConsumer<String, String> consumer) {
        out.println();
        out.print(LogPicture.render(OffsetProbe.snapshot(admin, group, tp, consumer)));
        out.println();
    }

    private String createTopic(String prefix, int partitions) throws Exception {
        String topic = prefix + "-" + runId;
        // Replication factor: the cluster's default, so the demo also runs on a real cluster.
        Topics.create(admin, new NewTopic(topic, Optional.of(partitions), Optional.empty()));
        return topic;
    }

    /** Reruns start clean, and an external cluster is left as it was found. */
    private void deleteTopic(String topic, String group) throws Exception {
        admin.deleteConsumerGroups(List.of(group)).all().get();
        admin.deleteTopics(List.of(topic)).all().get();
    }

    private void step(String title) {
        Runner.heading(out, title);
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.share.SharePartitionPicture.State;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * §6: the plumbing of the share-group demo (topics and groups with the run's suffix, records,
 * members, Admin reads, the drawing), so that the scenes keep the Kafka calls they are about
 * in view. Everything it creates, it deletes at the end ({@link #cleanUp()}).
 */
final class DemoKit {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final KafkaBackend kafka;
    final Admin admin;
    final PrintStream out;
    final ShareSettings settings;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> topics = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    DemoKit(KafkaBackend kafka, Admin admin, PrintStream out, ShareSettings settings) {
        this.kafka = kafka;
        this.admin = admin;
        this.out = out;
        this.settings = settings;
    }

    KafkaShareConsumer<String, String> member(String group, String topic, String ackMode, int maxRecords) {
        KafkaShareConsumer<String, String> member = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(kafka, group, ackMode, maxRecords));
        member.subscribe(List.of(topic));
        return member;
    }

    void draw(String group, TopicPartition partition, Map<Long, State> states) throws Exception {
        Wait.until("the acknowledgements stored", TIMEOUT, () -> lag(group, partition)
                == SharePartitionPicture.lag(startOffset(group, partition), end(partition), states));
        long spso = startOffset(group, partition);
        long end = end(partition);
        out.println();
        out.print(SharePartitionPicture.render(spso, end, states));
        out.printf("Admin listShareGroupOffsets: %s (= end %d - SPSO %d - %d ACK/ARC)%n%n",
                describe(group, partition), end, spso, end - spso - lag(group, partition));
    }

    String describe(String group, TopicPartition partition) throws ExecutionException, InterruptedException {
        Optional<SharePartitionOffsetInfo> info = ShareGroups.offsets(admin, group, partition);
        return info.map(i -> "start offset " + i.startOffset() + ", lag " + i.lag().map(String::valueOf).orElse("unknown"))
                .orElse("no state stored yet");
    }

    long startOffset(String group, TopicPartition partition) {
        try {
            return ShareGroups.offsets(admin, group, partition).map(SharePartitionOffsetInfo::startOffset).orElse(-1L);
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    long lag(String group, TopicPartition partition) {
        try {
            return ShareGroups.offsets(admin, group, partition).flatMap(SharePartitionOffsetInfo::lag).orElse(-1L);
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    long end(TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    int memberCount(String group) {
        try {
            return admin.describeShareGroups(List.of(group)).describedGroups().get(group).get().members().size();
        } catch (ExecutionException e) {
            return 0; // GroupIdNotFoundException until the first member's heartbeat creates it
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    void produce(String topic, int count, Long timestamp) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, timestamp, null, "record-" + i));
            }
            producer.flush();
        }
    }

    String createTopic(String prefix) {
        return createTopic(prefix, Map.of());
    }

    /** A topic named prefix-run with the topic configs {@code configs}. */
    String createTopic(String prefix, Map<String, String> configs) {
        String topic = prefix + "-" + runId;
        // One partition; replication factor: the cluster's default, so the demo also runs on a real cluster.
        Topics.create(admin, new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs));
        topics.add(topic);
        return topic;
    }

    /** A new share group's id, with its group configs set before any member joins. */
    String newGroup(String prefix, Map<String, String> configs) throws Exception {
        String group = prefix + "-" + runId + "-" + groups.size();
        if (!configs.isEmpty()) {
            ShareGroups.setGroupConfig(admin, group, configs);
        }
        groups.add(group);
        return group;
    }

    /** Reruns start clean, and an external cluster is left as it was found. */
    void cleanUp() throws Exception {
        admin.deleteTopics(topics).all().get();
        for (String group : groups) {
            try {
                ShareGroups.delete(admin, group);
            } catch (ExecutionException e) {
                // not created (no member ever joined), or the killed member is still listed until its session ends
            }
        }
    }

    void step(String title) {
        Runner.heading(out, title);
    }

    static String offsets(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::offset).toList().toString();
    }

    static String abbreviate(List<Long> offsets) {
        String text = offsets.toString();
        return text.length() <= 50 ? text : text.substring(0, 46) + " ...]";
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void processFor(long millis) {
        try {
            Thread.sleep(millis); // the member's processing, on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

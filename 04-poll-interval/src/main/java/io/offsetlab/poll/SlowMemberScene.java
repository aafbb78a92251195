package io.offsetlab.poll;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.offsetlab.poll.SceneTopics.TIMEOUT;

/**
 * Scene 1 of {@link PollIntervalDemo}: "slow" takes longer than max.poll.interval.ms over one
 * batch.
 * <ol>
 *   <li>slow and steady share a topic of 2 partitions; slow polls 5 records and commits them;</li>
 *   <li>slow polls 5 more and processes them for longer than max.poll.interval.ms, without a poll();</li>
 *   <li>the group drops slow ({@link MembershipWatch} says when), steady takes its partition and
 *       re-reads the 5 records slow processed but never committed;</li>
 *   <li>slow's commit fails; its next poll() rejoins the group.</li>
 * </ol>
 */
final class SlowMemberScene {

    private final KafkaBackend kafka;
    private final String protocol;
    private final PrintStream out;

    SlowMemberScene(KafkaBackend kafka, String protocol, PrintStream out) {
        this.kafka = kafka;
        this.protocol = protocol;
        this.out = out;
    }

    void run() throws Exception {
        int maxPollInterval = PollIntervalDemo.MAX_POLL_INTERVAL_MS;
        int overrun = Members.overrunMs(kafka, protocol, maxPollInterval);
        Runner.heading(out, "Scene 1: one batch takes " + overrun + " ms, more than max.poll.interval.ms (" + maxPollInterval
                + " ms)");
        String topic = SceneTopics.create(kafka, "slow");
        out.println("topic " + topic + ", partitions 0 and 1; slow polls 5 records at a time\n");
        String group = topic + "-group";
        Timeline timeline = new Timeline(out);
        Map<String, Object> slowConfig = Members.config(kafka, group, protocol, maxPollInterval);
        // Small batches: the overrun is one batch's processing, and the records after it are the re-read ones.
        slowConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = SceneTopics.readyProducer(kafka, topic);
             SteadyMember steady = new SteadyMember(Members.config(kafka, group, protocol, 300_000), topic,
                partitions -> timeline.event("steady", "assigned " + Members.partitions(partitions)),
                () -> timeline.event("steady", SteadyMember.DROPPED));
             KafkaConsumer<String, String> slow = new KafkaConsumer<>(slowConfig);
             Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            slow.subscribe(List.of(topic));
            Polling.pollUntil(slow, TIMEOUT, "slow and steady to hold one partition each",
                    () -> slow.assignment().size() == 1 && steady.assignment().size() == 1);
            TopicPartition mine = slow.assignment().iterator().next();
            timeline.event("slow", "assigned " + Members.partitions(slow.assignment()));
            SceneTopics.produce(producer, topic);

            ConsumerRecords<String, String> first = Polling.pollNonEmpty(slow, TIMEOUT);
            slow.commitSync(first.nextOffsets());
            timeline.event("slow", "processed offsets " + SceneTopics.range(first, mine) + " of partition " + mine.partition()
                    + ", committed " + first.nextOffsets().get(mine).offset());
            ConsumerRecords<String, String> second = Polling.pollNonEmpty(slow, TIMEOUT);
            long lastPoll = System.currentTimeMillis();
            timeline.event("slow", "polled offsets " + SceneTopics.range(second, mine) + "; processing takes " + overrun
                    + " ms, no poll() meanwhile");
            try (MembershipWatch watch = MembershipWatch.start(admin, group, slow.groupMetadata().memberId(), "slow",
                    lastPoll, timeline)) {
                SceneTopics.slowProcessing(Duration.ofMillis(overrun));
                if (!watch.awaitLeft(TIMEOUT)) {
                    timeline.event("group", "slow is still listed by describeConsumerGroups " + TIMEOUT.toSeconds()
                            + " s after its processing ended");
                }
            }
            // Kafka's own words, shown with --verbose: classic's AbstractCoordinator and the consumer
            // protocol's AbstractHeartbeatRequestManager log them (4.4 client).
            timeline.event("", "(Kafka's client logs a WARN: \"" + (protocol.equals("classic") ? "c" : "C")
                    + "onsumer poll timeout has expired\"; --verbose)");
            tryCommit(slow, second, timeline);
            reportReRead(steady, mine, second, timeline);
            Polling.pollUntil(slow, TIMEOUT, "slow to rejoin and get a partition", () -> !slow.assignment().isEmpty());
            timeline.event("slow", "poll(): rejoined the group, assigned " + Members.partitions(slow.assignment()));
        }
        out.println();
    }

    private void tryCommit(KafkaConsumer<String, String> slow, ConsumerRecords<String, String> batch, Timeline timeline) {
        try {
            slow.commitSync(batch.nextOffsets());
            timeline.event("slow", "processing done; commitSync() succeeded");
        } catch (KafkaException e) {
            timeline.event("slow", "processing done; commitSync() -> " + e.getClass().getSimpleName());
            if (protocol.equals("consumer")) {
                timeline.event("", "(Kafka's client logs an ERROR: \"OffsetCommit failed with UNKNOWN_MEMBER_ID\")");
            }
        }
    }

    private static void reportReRead(SteadyMember steady, TopicPartition tp, ConsumerRecords<String, String> batch,
                                     Timeline timeline) {
        List<Long> uncommitted = batch.records(tp).stream().map(ConsumerRecord::offset).toList();
        Wait.until("the other member to re-read " + tp, TIMEOUT, () -> steady.offsetsRead(tp).containsAll(uncommitted));
        timeline.event("steady", "read offsets " + uncommitted.get(0) + "-" + uncommitted.get(uncommitted.size() - 1)
                + " of partition " + tp.partition() + " again: slow processed them, never committed them");
        timeline.event("", "(" + uncommitted.size() + " duplicates)");
    }
}

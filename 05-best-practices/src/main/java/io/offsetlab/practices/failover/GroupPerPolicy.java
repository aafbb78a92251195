package io.offsetlab.practices.failover;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.GroupCoordinator;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.SingleReplicaLoss.Outcome;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * §5.6 the groups of {@link SingleReplicaLoss}, one per auto.offset.reset policy, on the scene's
 * one-partition topic: what each commits before the disk is lost (stage 2), its committed offset
 * read back from its coordinator before and after, and what each reads when it starts again with
 * its policy (stage 6).
 */
final class GroupPerPolicy {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Cluster cluster;
    private final Admin admin;
    private final Timeline timeline;
    private final TopicPartition tp;
    private final List<String> policies;
    private final List<String> groups;

    GroupPerPolicy(Cluster cluster, Admin admin, Timeline timeline, TopicPartition tp, List<String> policies) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeline = timeline;
        this.tp = tp;
        this.policies = policies;
        this.groups = policies.stream().map(p -> tp.topic() + "-" + p.replace(':', '-')).toList();
    }

    int size() {
        return groups.size();
    }

    /**
     * Each group's consumer reads the records, processes the first 60 and commits 60 (the next
     * to read). Returns each group's committed offset as its coordinator has it, not as the
     * scene meant to commit it.
     */
    List<Long> processAndCommit() {
        List<Long> committed = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            // earliest for every group here: each reads the records written before it joined
            try (KafkaConsumer<String, String> consumer = consumer(groups.get(i), "earliest")) {
                consumer.subscribe(List.of(tp.topic()));
                Polling.pollAtLeast(consumer, (int) SingleReplicaLoss.COMMITTED, TIMEOUT);
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(SingleReplicaLoss.COMMITTED)));
            }
            committed.add(awaitCommitted(groups.get(i)));
        }
        return committed;
    }

    /** The nodes that coordinate the groups (Admin describeConsumerGroups). */
    Set<Integer> coordinators() throws Exception {
        Set<Integer> coordinators = new LinkedHashSet<>();
        for (String group : groups) {
            coordinators.add(GroupCoordinator.nodeOf(admin, group));
        }
        return coordinators;
    }

    /** Each group's committed offset, once its coordinator answers again; null for none. */
    List<Long> committedNow() {
        List<Long> committed = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            committed.add(awaitCommitted(groups.get(i)));
            timeline.event("admin", policies.get(i) + " group: committed offset " + (committed.get(i) == null ? "none"
                    : committed.get(i)));
        }
        return committed;
    }

    /** The group's committed offset once its coordinator answers again; null when it has none. */
    private Long awaitCommitted(String group) {
        Long[] committed = new Long[1];
        Wait.until("the coordinator of " + group + " to answer", TIMEOUT, () -> {
            try {
                OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS).get(tp);
                committed[0] = offset == null ? null : offset.offset();
                return true;
            } catch (Exception e) {
                return false; // its new leader is still loading the (empty) partition
            }
        });
        return committed[0];
    }

    /**
     * Each group's consumer starts again with its policy; once all of them are placed, 5 new
     * records are written. What did each read?
     */
    List<Outcome> restart(List<Long> committedBefore, List<Long> committedAfter) throws Exception {
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        try {
            List<List<ConsumerRecord<String, String>>> read = new ArrayList<>();
            List<Long> startedAt = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                KafkaConsumer<String, String> consumer = consumer(groups.get(i), policies.get(i));
                consumers.add(consumer);
                consumer.subscribe(List.of(tp.topic()));
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                read.add(records);
                Polling.pollUntil(consumer, TIMEOUT, "group " + groups.get(i) + " to get its partition",
                        batch -> batch.forEach(records::add), () -> !consumer.assignment().isEmpty());
                startedAt.add(records.isEmpty() ? consumer.position(tp) : records.get(0).offset());
            }
            produce(SingleReplicaLoss.RECORDS, SingleReplicaLoss.NEW_RECORDS);
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                readToTheEnd(consumers.get(i), read.get(i));
                outcomes.add(outcome(i, committedBefore.get(i), committedAfter.get(i), startedAt.get(i), read.get(i)));
            }
            return outcomes;
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    /** Polls into {@code records} until the last record written, the last new one, is among them. */
    private void readToTheEnd(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> records) {
        long last = SingleReplicaLoss.RECORDS + SingleReplicaLoss.NEW_RECORDS - 1;
        Polling.pollUntil(consumer, TIMEOUT, "the last record written, offset " + last, batch -> batch.forEach(records::add),
                () -> !records.isEmpty() && records.get(records.size() - 1).offset() == last);
    }

    /** What group {@code i} read again (below 60) and skipped (60 to 99), told on the timeline. */
    private Outcome outcome(int i, Long committedBefore, Long committedAfter, long startedAt,
                            List<ConsumerRecord<String, String>> records) {
        long committed = SingleReplicaLoss.COMMITTED;
        int reRead = (int) records.stream().filter(r -> r.offset() < committed).count();
        int skipped = (int) (SingleReplicaLoss.RECORDS - committed
                - records.stream().filter(r -> r.offset() >= committed && r.offset() < SingleReplicaLoss.RECORDS).count());
        timeline.event("groups", policies.get(i) + " group: started at " + startedAt + ", read " + reRead
                + " processed records again, skipped " + skipped);
        return new Outcome(policies.get(i), committedBefore, committedAfter, startedAt, records.size(), reRead, skipped);
    }

    private KafkaConsumer<String, String> consumer(String group, String policy) {
        Map<String, Object> config = ClientConfigs.consumer(cluster, group);
        // Where the group starts when it has no committed offset.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, policy);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // only the scene's own commit
        return new KafkaConsumer<>(config);
    }

    /** Writes records {@code from} to {@code from + count - 1}, each acknowledged before the next. */
    void produce(int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(cluster))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "key-" + i, "record-" + i)).get();
            }
        }
    }
}

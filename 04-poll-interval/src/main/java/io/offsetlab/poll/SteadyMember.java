package io.offsetlab.poll;

import io.offsetlab.lab.client.Polling;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A well-behaved group member polling in its own thread (a KafkaConsumer belongs to one
 * thread): it commits after every batch and records what it read and every assignment it got,
 * with the time, so that the demo and the tests can see partitions move. If the group drops it
 * (its session expired), it rejoins and polls on, as a real consumer loop does.
 */
public final class SteadyMember implements AutoCloseable {

    /** One assignment, as onPartitionsAssigned saw it. */
    public record Assignment(long atMillis, Set<TopicPartition> partitions) {
    }

    /** A timeline's words for {@code onDropped}. */
    public static final String DROPPED = "poll() -> dropped by the group (session expired, or fenced); it rejoins";

    public final List<ConsumerRecord<String, String>> read = new CopyOnWriteArrayList<>();
    public final List<Assignment> assignments = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private final java.util.function.Consumer<Set<TopicPartition>> onAssignment;
    private final Runnable onDropped;
    private volatile Set<TopicPartition> assignment = Set.of();
    private boolean dropped; // since its last assignment; the member's thread only

    public SteadyMember(Map<String, Object> config, String topic) {
        this(config, topic, partitions -> { }, () -> { });
    }

    /**
     * @param onAssignment told every new assignment, on the member's thread
     * @param onDropped    told once when poll() finds that the group dropped the member, until it
     *                     is assigned again (it rejoins)
     */
    public SteadyMember(Map<String, Object> config, String topic, java.util.function.Consumer<Set<TopicPartition>> onAssignment,
                        Runnable onDropped) {
        this.consumer = new KafkaConsumer<>(config);
        this.topic = topic;
        this.onAssignment = onAssignment;
        this.onDropped = onDropped;
        this.thread = new Thread(this::run, "steady-member");
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    assignment = assignment.stream().filter(tp -> !partitions.contains(tp)).collect(Collectors.toSet());
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assignment = Set.of(); // dropped by the group: not its partitions any more
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignment = Set.copyOf(consumer.assignment());
                    assignments.add(new Assignment(System.currentTimeMillis(), assignment));
                    dropped = false;
                    onAssignment.accept(assignment);
                }
            });
            while (running) {
                ConsumerRecords<String, String> records = Polling.pollRejoining(consumer, Duration.ofMillis(100), error -> {
                    if (!dropped) { // polls throw until it has rejoined: told once
                        dropped = true;
                        onDropped.run();
                    }
                });
                records.forEach(read::add);
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync(records.nextOffsets());
                    } catch (KafkaException e) {
                        // a rebalance raced the commit; the next owner re-reads, which is fine here
                    }
                }
            }
        } finally {
            consumer.close();
        }
    }

    /** The partitions it owns now (as of its last assignment callback). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** Offsets it read from {@code tp}. */
    public List<Long> offsetsRead(TopicPartition tp) {
        return read.stream().filter(r -> r.partition() == tp.partition()).map(ConsumerRecord::offset).toList();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

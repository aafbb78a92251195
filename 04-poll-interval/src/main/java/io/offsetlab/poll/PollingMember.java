package io.offsetlab.poll;

import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.ClusterArgs;
import io.offsetlab.lab.run.Report;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * §4: a group member that only polls, in its own JVM, so that it can be killed (SIGKILL: no
 * close(), no LeaveGroup; the group finds out only when the session times out).
 *
 * <pre>PollingMember --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP PROTOCOL</pre>
 *
 * Reports {@code @lab assigned count=N partitions=TOPIC-P,...} (a {@link Report}) after every
 * assignment.
 */
public final class PollingMember {

    /** Reported after every assignment (fields count, partitions). */
    static final String ASSIGNED = "assigned";

    private PollingMember() {
    }

    public static void main(String[] args) {
        ClusterArgs commandLine = ClusterArgs.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP PROTOCOL
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Members.config(commandLine.cluster(), rest.get(1), rest.get(2), 300_000))) {
            consumer.subscribe(List.of(rest.get(0)), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    Report.emit(ASSIGNED, Map.of("count", consumer.assignment().size(), "partitions",
                            consumer.assignment().stream().map(TopicPartition::toString).collect(Collectors.joining(","))));
                }
            });
            while (true) {
                Polling.pollRejoining(consumer, Duration.ofMillis(100), dropped -> { }); // dropped: it rejoins
            }
        }
    }

    /** Whether {@code member}'s latest assignment, as it reported it, is a single partition. */
    static boolean holdsOnePartition(ChildJvm member) {
        return member.lastReport(ASSIGNED).map(assigned -> assigned.number("count") == 1).orElse(false);
    }
}

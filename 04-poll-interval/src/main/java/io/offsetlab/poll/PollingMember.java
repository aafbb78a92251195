package io.offsetlab.poll;

import io.offsetlab.lab.ExternalCluster;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * §4: a group member that only polls, in its own JVM, so that it can be killed (SIGKILL: no
 * close(), no LeaveGroup; the group finds out only when the session times out).
 *
 * <pre>PollingMember --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP PROTOCOL</pre>
 *
 * Prints "assigned [partitions]" after every assignment.
 */
public final class PollingMember {

    private PollingMember() {
    }

    public static void main(String[] args) {
        ExternalCluster.CommandLine commandLine = ExternalCluster.CommandLine.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP PROTOCOL
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Members.config(commandLine.cluster(), rest.get(1), rest.get(2), 300_000))) {
            consumer.subscribe(List.of(rest.get(0)), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    System.out.println("assigned " + consumer.assignment());
                    System.out.flush();
                }
            });
            while (true) {
                consumer.poll(Duration.ofMillis(100));
            }
        }
    }
}

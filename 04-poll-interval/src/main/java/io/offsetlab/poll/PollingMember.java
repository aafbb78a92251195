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
 * <pre>PollingMember BOOTSTRAP TOPIC GROUP PROTOCOL</pre>
 *
 * Prints "assigned [partitions]" after every assignment.
 */
public final class PollingMember {

    private PollingMember() {
    }

    public static void main(String[] args) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Members.config(new ExternalCluster(args[0], null), args[2], args[3], 300_000))) {
            consumer.subscribe(List.of(args[1]), new ConsumerRebalanceListener() {
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

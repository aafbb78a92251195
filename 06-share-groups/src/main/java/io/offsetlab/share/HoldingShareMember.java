package io.offsetlab.share;

import io.offsetlab.lab.run.ClusterArgs;
import io.offsetlab.lab.run.Report;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * §6: a share-group member in its own JVM that acquires records and never acknowledges them,
 * so that it can be killed (SIGKILL: no close(), no acknowledgement) while it holds their locks.
 *
 * <pre>HoldingShareMember --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP RECORDS</pre>
 *
 * It polls until it holds RECORDS records, reports {@code @lab acquired count=N offsets=0,1,...
 * deliveries=1,1,...} (a {@link Report}), then waits to be killed. Explicit mode: an
 * unacknowledged record stays acquired, and poll() would refuse to go on, so it stops polling.
 */
public final class HoldingShareMember {

    /** Reported once it holds its records (fields count, offsets, deliveries). */
    static final String ACQUIRED = "acquired";

    private HoldingShareMember() {
    }

    public static void main(String[] args) throws InterruptedException {
        ClusterArgs commandLine = ClusterArgs.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP RECORDS
        int wanted = Integer.parseInt(rest.get(2));
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(commandLine.cluster(), rest.get(1), ShareGroups.EXPLICIT_ACKS, wanted));
        consumer.subscribe(List.of(rest.get(0)));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        while (records.isEmpty()) {
            records = consumer.poll(Duration.ofMillis(500));
        }
        List<ConsumerRecord<String, String>> held = List.copyOf(records.records(records.partitions().iterator().next()));
        Report.emit(ACQUIRED, Map.of("count", held.size(),
                "offsets", held.stream().map(r -> Long.toString(r.offset())).collect(Collectors.joining(",")),
                "deliveries", held.stream().map(r -> r.deliveryCount().map(String::valueOf).orElse("?"))
                        .collect(Collectors.joining(","))));
        Thread.sleep(Long.MAX_VALUE); // holding the locks until killed; the consumer is never closed on purpose
    }
}

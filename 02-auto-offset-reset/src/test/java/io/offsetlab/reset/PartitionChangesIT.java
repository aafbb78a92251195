package io.offsetlab.reset;

import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.Polling;
import io.offsetlab.reset.PartitionExpansion.Result;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §2, the article's fourth case, "partition adjustment: Kafka reassigns partitions, which
 * invalidates offsets". Wrong as stated: a rebalance that moves a partition keeps its
 * committed offset. The real case is partitions ADDED to a topic: they have no committed
 * offset, and with latest the records written there before the group notices are lost.
 */
@KafkaLab
class PartitionChangesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aRebalanceThatMovesAPartitionKeepsItsCommittedOffset(LabKafka kafka) {
        String topic = kafka.createTopic("moved", 2);
        kafka.produce(topic, 0, 10);
        kafka.produce(topic, 1, 10);
        String group = kafka.newGroupId("moved");
        // none: if the move "invalidated" the offset, the new owner would throw instead of reading.
        Map<String, Object> settings = Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> first = kafka.consumer(group, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
             KafkaConsumer<String, String> second = kafka.consumer(group, settings)) {
            first.subscribe(List.of(topic));
            Polling.pollAtLeast(first, 20, TIMEOUT);
            first.commitSync(); // committed 10 on both partitions

            second.subscribe(List.of(topic));
            await("the rebalance gives the second member one partition").atMost(TIMEOUT).until(() -> {
                first.poll(Duration.ofMillis(50));
                second.poll(Duration.ofMillis(50));
                return second.assignment().size() == 1 && first.assignment().size() == 1;
            });
            TopicPartition moved = second.assignment().iterator().next();
            kafka.produce(topic, moved.partition(), 3);
            ConsumerRecord<String, String> firstRead = Polling.pollAtLeast(second, 1, TIMEOUT).get(0);

            assertEquals(10L, firstRead.offset(), "the new owner of " + moved + " resumes at the group's committed offset "
                    + "10 (no reset, no exception with auto.offset.reset=none): a rebalance does not invalidate offsets");
            assertEquals(10L, first.committed(Set.of(moved)).get(moved).offset(), "the committed offset is the group's, unchanged");
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void anAddedPartitionWithLatestLosesTheRecordsWrittenBeforeTheGroupNoticedIt(String protocol, LabKafka kafka) throws Exception {
        Result result = PartitionExpansion.run(kafka.backend(), kafka.admin(), "latest", protocol);
        assertEquals(new Result("latest", protocol, PartitionExpansion.BEFORE, PartitionExpansion.AFTER, PartitionExpansion.BEFORE),
                result, "the added partition has no committed offset; latest starts at its end (3): the 3 records written "
                        + "before the member noticed the partition are never read");
    }

    @ParameterizedTest(name = "{0}, group.protocol={1}")
    @CsvSource({"earliest, classic", "earliest, consumer", "by_duration:PT5M, classic", "by_duration:PT5M, consumer"})
    void anAddedPartitionWithEarliestOrByDurationLosesNothing(String policy, String protocol, LabKafka kafka) throws Exception {
        Result result = PartitionExpansion.run(kafka.backend(), kafka.admin(), policy, protocol);
        int all = PartitionExpansion.BEFORE + PartitionExpansion.AFTER;
        assertEquals(new Result(policy, protocol, 0, all, 0), result,
                policy + " starts the added partition at offset 0 (by_duration: every record is newer than 5 min): none lost");
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * §6 beyond the article, poison records: a record that every member gives back is not
 * delivered forever. After share.delivery.count.limit deliveries (a group config, 5 by
 * default; the broker bounds it with group.share.min/max.delivery.count.limit, 2-10 by default)
 * the broker archives it instead of making it available again (Kafka 4.4:
 * {@code InFlightState.tryUpdateState}).
 */
@KafkaLab
class PoisonRecordIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int LIMIT = 3;

    @Test
    @Claim("6.poison")
    void aRecordReleasedOnEveryDeliveryIsArchivedAfterTheDeliveryCountLimit(LabKafka kafka) throws Exception {
        int limit = ShareKit.settings(kafka).deliveryCountLimit(LIMIT);
        String topic = kafka.createTopic("share-poison", 1);
        String group = ShareKit.earliestGroup(kafka, "share-poison");
        ShareGroups.setGroupConfig(kafka.admin(), group, Map.of(ShareGroups.DELIVERY_COUNT_LIMIT, Integer.toString(limit)));
        ShareKit.produce(kafka, topic, 1);
        List<Integer> deliveries = new ArrayList<>();
        try (KafkaShareConsumer<String, String> member = ShareKit.member(kafka, group, topic, "explicit", 10)) {
            for (int delivery = 1; delivery <= limit; delivery++) {
                List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
                assertEquals(List.of(0L), records.stream().map(ConsumerRecord::offset).toList(), "delivery " + delivery + " of offset 0");
                deliveries.add(ShareGroups.deliveries(records.get(0)));
                member.acknowledge(records.get(0), AcknowledgeType.RELEASE); // processing failed: give it back
                member.commitSync();
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertEquals(0L, ShareGroups.offsets(kafka.admin(), group,
                    new TopicPartition(topic, 0)).orElseThrow().lag().orElse(-1L), "lag 0: the record is archived, nothing is left"));
            ShareKit.produce(kafka, topic, 1);
            List<ConsumerRecord<String, String>> next = ShareGroups.pollOnce(member, TIMEOUT);
            Figure counts = Figure.bars("offset 0 RELEASEd on every delivery", "");
            for (int i = 0; i < deliveries.size(); i++) {
                counts.value("delivery " + (i + 1) + ": deliveryCount()", deliveries.get(i));
            }
            Claims.figure(counts.marker("share.delivery.count.limit", limit)
                    .note("then lag 0 and the next poll " + next.stream().map(ConsumerRecord::offset).toList()));
            assertEquals(List.of(1L), next.stream().map(ConsumerRecord::offset).toList(),
                    "offset 0 is never delivered again after its last RELEASE: the next poll has only the new record");
            member.acknowledge(next.get(0), AcknowledgeType.ACCEPT);
            member.commitSync();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= limit; i++) {
            expected.add(i);
        }
        assertEquals(expected, deliveries, "delivered exactly share.delivery.count.limit = " + limit + " times");
    }

    /** The broker bounds the group config: a limit above group.share.max.delivery.count.limit is refused. */
    @Test
    @Claim("6.poison")
    void aDeliveryCountLimitOutsideTheBrokersBoundsIsRefused(LabKafka kafka) throws Exception {
        ShareSettings settings = ShareKit.settings(kafka);
        long tooMany = settings.value(ShareSettings.LIMIT_MAX) + 1;
        String group = kafka.newGroupId("share-limit");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> ShareGroups.setGroupConfig(kafka.admin(),
                group, Map.of(ShareGroups.DELIVERY_COUNT_LIMIT, Long.toString(tooMany))));
        assertInstanceOf(InvalidConfigurationException.class, refused.getCause());
        assertEquals("share.delivery.count.limit must be in the range " + settings.value(ShareSettings.LIMIT_MIN) + " to "
                + settings.value(ShareSettings.LIMIT_MAX) + " inclusive.", refused.getCause().getMessage());
        Claims.figure(refused.getCause().getMessage());
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.KafkaFailures;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §6, dead letters on a secured cluster: the partition leader writes a share group's dead letters
 * itself, over the inter-broker listener with the broker's own login (Kafka 4.4:
 * {@code BrokerServer.createShareGroupDLQManager} builds its client with
 * {@code NetworkUtils.buildNetworkClient}). So a member needs no ACL on the dead-letter topic; the
 * broker's principal needs WRITE on it (the lab's SASL broker logs in as its super user).
 */
@KafkaLab(secured = true)
class DeadLetterQueueAclsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Claim({"6.poison", "6.acls"})
    void aMemberWithNoAclOnTheDeadLetterTopicStillGetsItsRejectedRecordWrittenThere(LabKafka kafka) throws Exception {
        ShareSettings settings = DeadLetterQueueIT.settingsWithDeadLetters(kafka);
        String topic = kafka.createTopic("share-dlq-acl", 1);
        String deadLetters = DeadLetterQueueIT.deadLetterTopic(kafka, settings);
        String group = ShareKit.earliestGroup(kafka, "share-dlq-acl", Map.of(ShareGroups.DLQ_TOPIC, deadLetters));
        DeadLetterQueueIT.produceOneWithAHeader(kafka, topic);
        // The ordinary user gets READ on the group and on the source topic, nothing on the dead-letter topic.
        String user = KafkaFailures.principal(kafka.ordinaryUser());
        kafka.admin().createAcls(List.of(allow(ResourceType.GROUP, group, user), allow(ResourceType.TOPIC, topic, user)))
                .all().get();
        try (KafkaShareConsumer<String, String> member = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(kafka.ordinaryUser(), group, "explicit", 10))) {
            member.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(List.of(0L), records.stream().map(ConsumerRecord::offset).toList(), "the ordinary user's member got offset 0");
            member.acknowledge(records.get(0), AcknowledgeType.REJECT);
            member.commitSync();
        }
        ConsumerRecord<String, String> deadLetter = DeadLetterQueueIT.readDeadLetters(kafka, deadLetters, 1).get(0);
        Claims.figure(user + " (READ on group and topic only) REJECTed offset 0: " + DeadLetterQueueIT.describe(deadLetter));
        assertEquals(List.of("__dlq.errors.topic=" + topic, "__dlq.errors.partition=0", "__dlq.errors.offset=0",
                        "__dlq.errors.group=" + group, "__dlq.errors.delivery.count=1",
                        "__dlq.errors.message=Offset rejected by client."), DeadLetterQueueIT.headers(deadLetter),
                "the broker wrote the dead letter although the member's user has no ACL on " + deadLetters);
        ShareKit.awaitLag(kafka, group, topic, 0, "once written, the record is archived");
    }

    private static AclBinding allow(ResourceType type, String name, String principal) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW));
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.KafkaFailures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * §6 on a secured cluster: what a share consumer needs, as an ordinary user on a SASL broker
 * with Kafka's StandardAuthorizer. Kafka 4.4's KafkaApis: ShareGroupHeartbeat checks READ on
 * the group and DESCRIBE on the subscribed topics; ShareFetch and ShareAcknowledge check READ on
 * the group and READ on the topic (READ implies DESCRIBE). The group's configs are set by the
 * super user here (ALTER_CONFIGS on the group).
 */
@KafkaLab(secured = true)
class ShareGroupAclsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Claim("6.acls")
    void readOnTheGroupAndOnTheTopicIsAllAShareConsumerNeeds(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-acl", 1);
        String group = ShareKit.earliestGroup(kafka, "share-acl");
        ShareKit.produce(kafka, topic, 3);
        grant(kafka, group, topic, List.of(AclOperation.READ), List.of(AclOperation.READ));
        try (KafkaShareConsumer<String, String> member = asUser(kafka.ordinaryUser(), group, topic)) {
            List<ConsumerRecord<String, String>> records = ShareGroups.pollOnce(member, TIMEOUT);
            assertEquals(3, records.size(), "the ordinary user's share consumer got the 3 records");
            member.commitSync();
        }
        ShareKit.awaitLag(kafka, group, topic, 0, "the user's acknowledgements were stored");
        Claims.figure(KafkaFailures.principal(kafka.ordinaryUser()) + " with READ on the group and READ on the topic: 3 read, lag 0");
    }

    @Test
    @Claim("6.acls")
    void withoutReadOnTheGroupPollFailsWithGroupAuthorizationException(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-acl-nogroup", 1);
        String group = ShareKit.earliestGroup(kafka, "share-acl-nogroup");
        grant(kafka, group, topic, List.of(), List.of(AclOperation.READ));
        GroupAuthorizationException e = pollIsRefused(kafka, group, topic, GroupAuthorizationException.class);
        Claims.figure("no READ on the group: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    @Test
    @Claim("6.acls")
    void withoutAnyAclOnTheTopicPollFailsWithTopicAuthorizationException(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-acl-notopic", 1);
        String group = ShareKit.earliestGroup(kafka, "share-acl-notopic");
        grant(kafka, group, topic, List.of(AclOperation.READ), List.of());
        TopicAuthorizationException e = pollIsRefused(kafka, group, topic, TopicAuthorizationException.class);
        Claims.figure("no ACL on the topic: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** DESCRIBE on the topic is enough to join (ShareGroupHeartbeat), not to fetch (ShareFetch needs READ). */
    @Test
    @Claim("6.acls")
    void describeOnTheTopicJoinsButFetchingNeedsRead(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-acl-describe", 1);
        String group = ShareKit.earliestGroup(kafka, "share-acl-describe");
        ShareKit.produce(kafka, topic, 3);
        grant(kafka, group, topic, List.of(AclOperation.READ), List.of(AclOperation.DESCRIBE));
        try (KafkaShareConsumer<String, String> member = asUser(kafka.ordinaryUser(), group, topic)) {
            TopicAuthorizationException e = assertThrows(TopicAuthorizationException.class, () -> pollFor(member, TIMEOUT));
            assertEquals(1, kafka.admin().describeShareGroups(List.of(group)).describedGroups().get(group).get().members().size(),
                    "the member joined the group (its heartbeat needs only DESCRIBE on the topic); its fetch was refused");
            Claims.figure("only DESCRIBE on the topic: joined, then " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static KafkaShareConsumer<String, String> asUser(KafkaBackend user, String group, String topic) {
        KafkaShareConsumer<String, String> member = new KafkaShareConsumer<>(
                ShareGroups.consumerConfig(user, group, "implicit", 10));
        member.subscribe(List.of(topic));
        return member;
    }

    /** The ordinary user's member of {@code group} polls; poll() must throw {@code refusal} within {@link #TIMEOUT}. */
    private static <E extends Throwable> E pollIsRefused(LabKafka kafka, String group, String topic, Class<E> refusal) {
        try (KafkaShareConsumer<String, String> member = asUser(kafka.ordinaryUser(), group, topic)) {
            return assertThrows(refusal, () -> pollFor(member, TIMEOUT), "poll() as " + KafkaFailures.principal(kafka.ordinaryUser())
                    + " throws " + refusal.getSimpleName());
        }
    }

    /** Polls for {@code timeout}; an authorization failure surfaces from poll(). */
    private static void pollFor(KafkaShareConsumer<String, String> member, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            member.poll(Duration.ofMillis(200));
        }
    }

    private static void grant(LabKafka kafka, String group, String topic, List<AclOperation> onGroup,
                              List<AclOperation> onTopic) throws Exception {
        String principal = KafkaFailures.principal(kafka.ordinaryUser());
        List<AclBinding> bindings = new ArrayList<>();
        onGroup.forEach(op -> bindings.add(binding(ResourceType.GROUP, group, principal, op)));
        onTopic.forEach(op -> bindings.add(binding(ResourceType.TOPIC, topic, principal, op)));
        if (!bindings.isEmpty()) {
            kafka.admin().createAcls(bindings).all().get();
        }
    }

    private static AclBinding binding(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}

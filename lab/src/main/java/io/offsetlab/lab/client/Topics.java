package io.offsetlab.lab.client;

import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Creates topics that are ready to be written to. */
public final class Topics {

    private Topics() {
    }

    /**
     * Creates {@code topic} and waits until every partition has a leader. createTopics returns
     * before that; an idempotent producer that sends at once gets NOT_LEADER_OR_FOLLOWER, and on
     * the lab's Kafka 4.4 broker its retries of many in-flight batches then failed with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until flush() gave up minutes later. ListOffsets is answered
     * only by a partition's leader: once it answers for all of them, sending is safe.
     */
    public static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic.name(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                throw new MissingAclException(AclOperation.CREATE, ResourceType.TOPIC, topic.name(), "create the topic");
            }
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, topic.numPartitions())
                .mapToObj(p -> new TopicPartition(topic.name(), p))
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        Wait.until("a leader for every partition of " + topic.name(), Duration.ofSeconds(30), () -> {
            try {
                admin.listOffsets(latest).all().get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                return false; // not led yet
            }
        });
    }
}

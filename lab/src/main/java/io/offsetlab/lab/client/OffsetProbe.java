package io.offsetlab.lab.client;

import io.offsetlab.lab.view.PartitionOffsets;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the four offsets of §1 from a live cluster: log start and end from the partition
 * (Admin listOffsets earliest/latest), committed from the group (Admin
 * listConsumerGroupOffsets), position from a consumer (its in-memory fetch position).
 */
public final class OffsetProbe {

    private OffsetProbe() {
    }

    /**
     * @param consumer a consumer of the group whose position to show, or null; its position is
     *                 read only for partitions it has assigned
     */
    public static List<PartitionOffsets> snapshot(Admin admin, String groupId, Collection<TopicPartition> partitions,
                                                  Consumer<?, ?> consumer) {
        try {
            Map<TopicPartition, Long> starts = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, OffsetAndMetadata> committed = groupId == null ? Map.of()
                    : admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            List<PartitionOffsets> result = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata commit = committed.get(tp);
                Long position = consumer != null && consumer.assignment().contains(tp) ? consumer.position(tp) : null;
                result.add(new PartitionOffsets(tp, starts.get(tp),
                        commit == null ? null : commit.offset(), position, ends.get(tp)));
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read offsets: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The group's committed offset for {@code partition}, or null when it has none. */
    public static Long committed(Admin admin, String groupId, TopicPartition partition) {
        return committed(admin, groupId).get(partition);
    }

    /**
     * Every committed offset of the group, per partition, as kafka-consumer-groups reads them
     * (Admin listConsumerGroupOffsets with its default requireStable=false). The coordinator
     * answers that from the state at its high watermark (CoordinatorRuntime's read operations
     * use the shard's last committed offset), which right after a coordinator failover can
     * trail the commits it already has for a moment.
     */
    public static Map<TopicPartition, Long> committed(Admin admin, String groupId) {
        return committedOffsets(admin, groupId, new ListConsumerGroupOffsetsOptions());
    }

    /**
     * The same, asked the way a consumer asks (requireStable=true, as ConsumerCoordinator and
     * CommitRequestManager send OffsetFetch): the coordinator answers from its latest state once
     * that is replicated, so it never shows an older commit than the group made.
     */
    public static Map<TopicPartition, Long> committedAsConsumerSees(Admin admin, String groupId) {
        return committedOffsets(admin, groupId, new ListConsumerGroupOffsetsOptions().requireStable(true));
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId, ListConsumerGroupOffsetsOptions options) {
        try {
            return admin.listConsumerGroupOffsets(groupId, options).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** One partition, see {@link #snapshot}. */
    public static PartitionOffsets snapshot(Admin admin, String groupId, TopicPartition partition, Consumer<?, ?> consumer) {
        return snapshot(admin, groupId, List.of(partition), consumer).get(0);
    }

    /**
     * Admin listOffsets with one {@code spec} (earliest, latest, forTimestamp ...) for every
     * partition: the offset per partition, -1 where forTimestamp finds no record.
     */
    public static Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}

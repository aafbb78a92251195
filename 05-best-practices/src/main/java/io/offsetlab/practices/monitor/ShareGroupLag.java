package io.offsetlab.practices.monitor;

import io.offsetlab.lab.client.ShareGroupProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * §6 share groups in the §5 lag monitor: {@code kafka-share-groups.sh --describe}, from the
 * Admin calls that command makes (kafka-tools' {@code ShareGroupCommand}). A share group has
 * no committed offset, so its table has other columns: GROUP TOPIC PARTITION START-OFFSET LAG.
 * <ol>
 *   <li>{@code describeShareGroups}: the group's state; Dead or not found means no such group;</li>
 *   <li>{@code listShareGroupOffsets}: per share partition, START-OFFSET, the share-partition
 *       start offset (SPSO: every record below it is acknowledged or archived), and LAG, the
 *       records from there to the end that are not yet acknowledged or archived. Records above
 *       START-OFFSET may already be acknowledged, so START-OFFSET is not "consumed up to", and
 *       LAG is not LOG-END-OFFSET minus START-OFFSET.</li>
 * </ol>
 * Rows come in the command's order, by topic and partition. A partition the group never read
 * has no share state and no row (Kafka's Admin client drops it).
 */
public final class ShareGroupLag {

    /** The columns of kafka-share-groups.sh --describe. */
    static final List<String> COLUMNS = List.of("GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LAG");

    private ShareGroupLag() {
    }

    /**
     * Every share group this user may describe (Admin listGroups of type share), by group id;
     * none on a cluster too old to list groups by type (before Kafka 4.0 there are no share groups).
     */
    static List<String> allGroups(Admin admin) throws InterruptedException, ExecutionException {
        try {
            return admin.listGroups(ListGroupsOptions.forShareGroups()).all().get().stream().map(GroupListing::groupId)
                    .sorted().toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedVersionException) {
                return List.of();
            }
            throw e;
        }
    }

    /**
     * Describes the share group {@code group}; null when the cluster has no such share group.
     * Needs DESCRIBE on the group and on its topics.
     */
    public static ShareLag describe(Admin admin, String group) throws InterruptedException, ExecutionException {
        // Step 1: the group's state and members; null when there is no such share group.
        ShareGroupDescription description = ShareGroupProbe.describe(admin, group, "describe the share group and read its start offsets");
        if (description == null || description.groupState() == GroupState.DEAD) {
            return null;
        }
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group).get();
        List<Row> rows = offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic)
                        .thenComparingInt(TopicPartition::partition)))
                .map(e -> row(group, e.getKey(), e.getValue()))
                .toList();
        return new ShareLag(group, description.groupState(), description.members().size(), rows);
    }

    /** A partition Kafka listed without offsets (no share state read) prints "-", as the command does. */
    private static Row row(String group, TopicPartition tp, SharePartitionOffsetInfo info) {
        return info == null ? new Row(group, tp.topic(), tp.partition(), null, null)
                : new Row(group, tp.topic(), tp.partition(), info.startOffset(), info.lag().orElse(null));
    }

    /** One row of the table; null prints as "-". */
    public record Row(String group, String topic, int partition, Long startOffset, Long lag) {

        /** The cells as the command prints them. */
        public List<String> cells() {
            return List.of(group, topic, String.valueOf(partition), text(startOffset), text(lag));
        }

        private static String text(Long value) {
            return value == null ? "-" : value.toString();
        }
    }

    /** A described share group: its state, how many members it has, and its rows. */
    public record ShareLag(String group, GroupState state, int members, List<Row> rows) {
    }
}

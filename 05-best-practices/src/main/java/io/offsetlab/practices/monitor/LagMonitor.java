package io.offsetlab.practices.monitor;

import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * §5 "monitor offsets with kafka-consumer-groups.sh --describe", built from the Admin calls
 * that command makes, so that a reader sees where each column comes from. {@link #describe}
 * turns a group into the command's rows in four steps:
 * <ol>
 *   <li>{@code describeConsumerGroups}: the group's state and members, and the partitions
 *       each member owns: CONSUMER-ID HOST CLIENT-ID, "-" for committed partitions nobody owns;</li>
 *   <li>{@code listConsumerGroupOffsets}: CURRENT-OFFSET, the group's committed offset, not
 *       any consumer's live position; "-" for a partition the group never committed;</li>
 *   <li>{@code listOffsets(latest)} with READ_UNCOMMITTED: LOG-END-OFFSET, the high watermark
 *       (neither the log end offset nor, for transactions, the LSO); LAG = LOG-END-OFFSET -
 *       CURRENT-OFFSET, "-" without a committed offset;</li>
 *   <li>for an empty group only, whose offsets are on a clock (KIP-211): the cluster's
 *       offsets.retention.minutes ({@code describeConfigs}) and whether it is a simple group
 *       ({@code listGroups}); asked once for all the groups described together
 *       ({@link EmptyGroupFacts}).</li>
 * </ol>
 * Rows come in the command's order: members with the most partitions first, each member's
 * partitions by topic and number, then committed partitions no member owns.
 *
 * <p>Every method takes the Admin client it works with, so the tool, the §5 demo and the
 * tests run the same code. The command line ({@code --watch}, {@code --check}, the printed
 * table, exit codes) is {@link LagMonitorCommand}.
 */
public final class LagMonitor {

    private LagMonitor() {
    }

    /**
     * Describes {@code group}; null when the cluster has no such group. Needs DESCRIBE on the
     * group and on its topics ({@link MissingAclException} names the one missing).
     */
    public static GroupLag describe(Admin admin, String group) throws InterruptedException, ExecutionException {
        return describe(admin, group, new EmptyGroupFacts(admin));
    }

    /**
     * The same, for one of several groups described together: {@code step4} asks the cluster
     * once for all of them, not once per empty group.
     */
    static GroupLag describe(Admin admin, String group, EmptyGroupFacts step4) throws InterruptedException, ExecutionException {
        ConsumerGroupDescription description = describeGroup(admin, group);
        if (description == null || description.groupState() == GroupState.DEAD) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin, group);
        Map<TopicPartition, Long> highWatermarks = highWatermarks(admin, partitionsOf(description, committed));
        List<Row> rows = rows(description, committed, highWatermarks);
        // Step 4 only matters to an empty group's warning: no request for the others.
        boolean empty = description.groupState() == GroupState.EMPTY;
        Long retention = empty ? step4.retentionMinutes() : null;
        return new GroupLag(group, description.groupState(), description.type(), rows, retention, empty && step4.isSimple(group));
    }

    /**
     * Every consumer group this user may describe (Admin listGroups, consumer groups of either
     * protocol, as the command lists them), by group id: the command's order.
     */
    static List<String> allGroups(Admin admin) throws InterruptedException, ExecutionException {
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream().map(GroupListing::groupId)
                .sorted().toList();
    }

    /** Step 1: the group's state and members; null when there is no such group. */
    private static ConsumerGroupDescription describeGroup(Admin admin, String group) throws InterruptedException, ExecutionException {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingAclException(AclOperation.DESCRIBE, ResourceType.GROUP, group,
                        "describe the group and read its committed offsets");
            }
            throw e;
        }
    }

    /** Step 2: the group's committed offsets, CURRENT-OFFSET. */
    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        // A partition may be listed without an offset; like the command, treat it as never committed.
        return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Step 3: OffsetSpec.latest() read_uncommitted, the high watermark: what the command calls LOG-END-OFFSET. */
    private static Map<TopicPartition, Long> highWatermarks(Admin admin, Set<TopicPartition> partitions)
            throws InterruptedException, ExecutionException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResultInfo> latest;
        try {
            latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest())),
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException t) {
                throw new MissingAclException(AclOperation.DESCRIBE, ResourceType.TOPIC, String.join(", ", t.unauthorizedTopics()),
                        "read the end offsets of the partitions the group consumes");
            }
            throw e;
        }
        return latest.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The partitions to show: those the group committed and those its members own. */
    private static Set<TopicPartition> partitionsOf(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed) {
        Set<TopicPartition> all = new HashSet<>(committed.keySet());
        group.members().forEach(m -> all.addAll(m.assignment().topicPartitions()));
        return all;
    }

    /** The rows in the command's order: by member (most partitions first), then the committed partitions nobody owns. */
    private static List<Row> rows(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> committed,
                                  Map<TopicPartition, Long> highWatermarks) {
        List<Row> rows = new ArrayList<>();
        Set<TopicPartition> owned = new HashSet<>();
        List<MemberDescription> members = group.members().stream()
                .filter(m -> !m.assignment().topicPartitions().isEmpty())
                .sorted(Comparator.comparingInt((MemberDescription m) -> m.assignment().topicPartitions().size()).reversed())
                .toList();
        for (MemberDescription member : members) {
            for (TopicPartition tp : sorted(member.assignment().topicPartitions())) {
                owned.add(tp);
                rows.add(row(group.groupId(), tp, committed.get(tp), highWatermarks.get(tp),
                        member.consumerId(), member.host(), member.clientId()));
            }
        }
        for (TopicPartition tp : sorted(committed.keySet())) {
            if (!owned.contains(tp)) {
                rows.add(row(group.groupId(), tp, committed.get(tp), highWatermarks.get(tp), null, null, null));
            }
        }
        return rows;
    }

    private static Row row(String group, TopicPartition tp, OffsetAndMetadata committed, Long highWatermark,
                           String consumerId, String host, String clientId) {
        Long current = committed == null ? null : committed.offset();
        Long lag = current == null || highWatermark == null ? null : highWatermark - current;
        return new Row(group, tp.topic(), tp.partition(), current, highWatermark, lag, consumerId, host, clientId);
    }

    private static List<TopicPartition> sorted(Set<TopicPartition> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .toList();
    }

    /** {@code ./run lag-monitor}: only wires; the options, printing and exit codes are {@link LagMonitorCommand}'s. */
    public static void main(String[] args) {
        LagMonitorCommand.RUNNER.main(args);
    }

    /**
     * One row of the table; null prints as "-". Nine fields, and they stay flat: each is one of
     * the nine columns of {@code kafka-consumer-groups --describe} (GROUP, TOPIC, PARTITION,
     * CURRENT-OFFSET, LOG-END-OFFSET, LAG, CONSUMER-ID, HOST, CLIENT-ID), in its order, so a reader
     * can hold the record against Kafka's table and {@link #cells()} prints it in that order.
     * Grouping them into parts would hide that one-to-one match; it is built in one place,
     * {@code row(...)} above, whose parameters name every field.
     */
    public record Row(String group, String topic, int partition, Long currentOffset, Long logEndOffset, Long lag,
                      String consumerId, String host, String clientId) {

        /** The cells as the command prints them. */
        public List<String> cells() {
            return List.of(group, topic, String.valueOf(partition), text(currentOffset), text(logEndOffset), text(lag),
                    text(consumerId), text(host), text(clientId));
        }

        private static String text(Object value) {
            return value == null ? "-" : value.toString();
        }
    }

    /**
     * A described group: its state, type, rows, and, for an empty group, the broker's
     * offsets.retention.minutes if readable and whether it is a simple group (no protocol type:
     * its consumers only commit, with assign(), and never join).
     */
    public record GroupLag(String group, GroupState state, GroupType type, List<Row> rows, Long retentionMinutes,
                           boolean simple) {

        public GroupLag(String group, GroupState state, GroupType type, List<Row> rows, Long retentionMinutes) {
            this(group, state, type, rows, retentionMinutes, false);
        }

        /** Empty: nobody consumes, and the retention clock for its offsets is running (KIP-211). */
        public boolean offsetsOnTheClock() {
            return state == GroupState.EMPTY;
        }

        /**
         * What the expiry clock of an empty group's offsets counts from, in Kafka 4.4: when the group
         * became empty for a classic group, each partition's last commit for a consumer-protocol
         * group and for a simple group (ClassicGroup and ConsumerGroup.offsetExpirationCondition).
         */
        public String expiryClock() {
            if (!expiryCountsFromEachCommit()) {
                return "when the group became empty";
            }
            if (simple) {
                return "each partition's last commit (a simple group: its consumers only commit, with assign())";
            }
            return "each partition's last commit (a consumer-protocol group)";
        }

        /** True for a consumer-protocol group and a simple group; false for a classic group (see {@link #expiryClock()}). */
        public boolean expiryCountsFromEachCommit() {
            return simple || type == GroupType.CONSUMER;
        }
    }
}

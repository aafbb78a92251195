package io.offsetlab.practices.reset;

import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.ShareGroupProbe;
import io.offsetlab.practices.reset.OffsetReset.Plan;
import io.offsetlab.practices.reset.OffsetReset.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * §6 share groups in the §5 reset tool: {@code kafka-share-groups.sh --reset-offsets}, from
 * the Admin API (kafka-tools' {@code ShareGroupCommand}). A share group has no committed
 * offset to move; what a reset moves is each share partition's start offset (SPSO), and with
 * it every record's state: the group then reads from the new start offset as if nothing
 * there had been delivered. {@link #plan} changes nothing:
 * <ol>
 *   <li>{@code describeShareGroups}: only a share group without members (Empty), with the
 *       command's own message otherwise. A group id the cluster does not know is not taken for a
 *       share group: {@code ./run reset-offsets} resets it as a consumer group;</li>
 *   <li>{@code describeTopics}: the partitions of the topic;</li>
 *   <li>{@code listOffsets}: earliest, latest, or {@code forTimestamp}: the three targets the
 *       command offers ({@code --to-earliest}, {@code --to-latest}, {@code --to-datetime};
 *       {@code --by-duration} is a datetime counted back from now).</li>
 * </ol>
 * {@link #execute} applies a plan with {@code alterShareGroupOffsets}.
 */
public final class ShareGroupReset {

    private ShareGroupReset() {
    }

    /**
     * True when {@code group} is a share group (it has a share group's description). A user who
     * may not describe the group is not told: the consumer group's checks then name the ACL it lacks.
     */
    public static boolean isShareGroup(Admin admin, String group) throws InterruptedException, ExecutionException {
        try {
            ShareGroupDescription description = ShareGroupProbe.describe(admin, group, "describe the share group");
            return description != null && description.groupState() != GroupState.DEAD;
        } catch (MissingAclException e) {
            return false;
        }
    }

    /**
     * Works out the new start offsets of {@code group} on {@code topic}; refuses a group with
     * members and a target the command does not offer. Changes nothing.
     */
    public static Plan plan(Admin admin, String group, String topic, Target target) throws InterruptedException, ExecutionException {
        if (target instanceof Target.ByDuration by) { // one "now" for every partition
            target = new Target.Datetime(Instant.now().minus(by.duration()));
        }
        boolean toTime = target instanceof Target.Datetime;
        if (!(target instanceof Target.Earliest || target instanceof Target.Latest || toTime)) {
            throw new IllegalArgumentException("'" + group + "' is a share group: its start offset can be reset with"
                    + " --to-earliest, --to-latest, --to-datetime or --by-duration (kafka-share-groups.sh offers the first three),"
                    + " not to an offset, a shift, the current offsets or a file");
        }
        requireEmpty(admin, group);
        List<TopicPartition> partitions = OffsetReset.partitionsOf(OffsetReset.readableTopic(admin, topic));
        // Admin listOffsets; latest is also --to-datetime's fallback where no record is that recent.
        Map<TopicPartition, Long> offsets = OffsetProbe.offsets(admin, partitions,
                target instanceof Target.Earliest ? OffsetSpec.earliest() : OffsetSpec.latest());
        List<String> warnings = new ArrayList<>();
        Map<TopicPartition, Long> newOffsets = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            newOffsets.put(tp, target instanceof Target.Datetime datetime
                    ? OffsetReset.atOrAfter(admin, tp, datetime.time(), offsets.get(tp), warnings) : offsets.get(tp));
        }
        return new Plan(group, newOffsets, warnings);
    }

    /** Sets the plan's start offsets for the share group (Admin alterShareGroupOffsets). */
    public static void execute(Admin admin, Plan plan) throws InterruptedException, ExecutionException {
        admin.alterShareGroupOffsets(plan.group(), plan.newOffsets()).all().get();
    }

    /** A share group with members would go on acquiring records: the command refuses it, with these words. */
    private static void requireEmpty(Admin admin, String group) throws InterruptedException, ExecutionException {
        ShareGroupDescription description = ShareGroupProbe.describe(admin, group, "describe the share group");
        if (description != null && description.groupState() != GroupState.EMPTY && description.groupState() != GroupState.DEAD) {
            throw new ShareGroupNotEmptyException(group);
        }
    }

    /** The share group has members; the message is kafka-share-groups.sh's own. */
    public static final class ShareGroupNotEmptyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShareGroupNotEmptyException(String group) {
            super("Share group '" + group + "' is not empty.");
        }
    }
}

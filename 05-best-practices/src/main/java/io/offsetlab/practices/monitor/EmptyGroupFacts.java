package io.offsetlab.practices.monitor;

import io.offsetlab.lab.client.BrokerSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;

import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * §5.3 step 4 of {@link LagMonitor#describe}, for the empty groups among those described
 * together: whose offsets are on a clock (KIP-211), the cluster's offsets.retention.minutes
 * (Admin {@code describeConfigs}) and which groups are simple ones (Admin {@code listGroups}).
 * Read once, when the first empty group needs it, and kept for the others.
 */
final class EmptyGroupFacts {

    private final Admin admin;
    private boolean read;
    private Long retentionMinutes; // null: this client may not read broker configs (DESCRIBE_CONFIGS)
    private Set<String> simpleGroups;

    EmptyGroupFacts(Admin admin) {
        this.admin = admin;
    }

    /** The cluster's offsets.retention.minutes, or null when this client may not read it. */
    Long retentionMinutes() throws InterruptedException, ExecutionException {
        read();
        return retentionMinutes;
    }

    /** Whether {@code group} is a simple group: it has no protocol type. */
    boolean isSimple(String group) throws InterruptedException, ExecutionException {
        read();
        return simpleGroups.contains(group);
    }

    private void read() throws InterruptedException, ExecutionException {
        if (!read) {
            BrokerSettings settings = BrokerSettings.read(admin, "this client");
            retentionMinutes = settings.fromCluster() ? settings.value(BrokerSettings.OFFSETS_RETENTION_MINUTES) : null;
            // Only ListGroups tells a simple group (GroupListing.isSimpleConsumerGroup).
            simpleGroups = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .filter(GroupListing::isSimpleConsumerGroup).map(GroupListing::groupId).collect(Collectors.toSet());
            read = true;
        }
    }
}

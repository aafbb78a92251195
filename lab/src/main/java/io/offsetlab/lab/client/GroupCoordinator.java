package io.offsetlab.lab.client;

import org.apache.kafka.clients.admin.Admin;

import java.util.List;
import java.util.concurrent.ExecutionException;

/** Which broker coordinates a consumer group. */
public final class GroupCoordinator {

    private GroupCoordinator() {
    }

    /**
     * The node that keeps the group's committed offsets: its coordinator, the leader of the
     * group's partition of __consumer_offsets (Admin describeConsumerGroups).
     */
    public static int nodeOf(Admin admin, String groupId) {
        try {
            return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get().coordinator().id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + groupId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}

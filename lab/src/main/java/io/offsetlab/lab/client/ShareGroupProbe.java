package io.offsetlab.lab.client;

import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.resource.ResourceType;

import java.util.List;
import java.util.concurrent.ExecutionException;

/** A share group (Kafka 4, KIP-932) as Admin describes it, for the tools that take one. */
public final class ShareGroupProbe {

    private ShareGroupProbe() {
    }

    /**
     * Admin {@code describeShareGroups} for {@code group}; null when the cluster has no share
     * group of that name: none at all, a group of another kind (GROUP_ID_NOT_FOUND), or no share
     * groups on this cluster (UNSUPPORTED_VERSION: share.version 0, or a broker before Kafka 4.0).
     * Without DESCRIBE on the group: {@link MissingAclException}, saying it was needed to {@code purpose}.
     */
    public static ShareGroupDescription describe(Admin admin, String group, String purpose)
            throws InterruptedException, ExecutionException {
        try {
            return admin.describeShareGroups(List.of(group)).describedGroups().get(group).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException || e.getCause() instanceof UnsupportedVersionException) {
                return null;
            }
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingAclException(AclOperation.DESCRIBE, ResourceType.GROUP, group, purpose);
            }
            throw e;
        }
    }
}

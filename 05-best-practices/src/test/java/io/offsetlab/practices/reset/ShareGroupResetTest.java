package io.offsetlab.practices.reset;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeShareGroupsResult;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * §6 in §5's reset tool: how {@link ShareGroupReset#isShareGroup} takes the broker's answers.
 * The lab's brokers all have share groups on, so the answer of a cluster without them
 * (share.version 0, or a broker from before Kafka 4.0) is staged here: an Admin whose
 * {@code describeShareGroups} fails as Kafka 4.4's KafkaApis.handleShareGroupDescribe then answers.
 */
class ShareGroupResetTest {

    @Test
    void aClusterWithoutShareGroupsHasNoShareGroupSoAConsumerGroupResetGoesOn() throws Exception {
        Admin admin = describeShareGroupsFailingWith(new UnsupportedVersionException("share groups are not enabled"));

        assertFalse(ShareGroupReset.isShareGroup(admin, "my-group"),
                "UNSUPPORTED_VERSION means no share groups here: the group is reset as a consumer group, not refused");
    }

    @Test
    void aGroupOfAnotherKindIsNotAShareGroup() throws Exception {
        Admin admin = describeShareGroupsFailingWith(new GroupIdNotFoundException("Group my-group is not a share group."));

        assertFalse(ShareGroupReset.isShareGroup(admin, "my-group"), "the broker's answer for a consumer group's id");
    }

    /** An Admin that answers describeShareGroups with {@code failure} and nothing else. */
    private static Admin describeShareGroupsFailingWith(RuntimeException failure) {
        return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[]{Admin.class}, (proxy, method, args) -> {
            if (!method.getName().equals("describeShareGroups")) {
                throw new UnsupportedOperationException(method.getName() + " is not part of this test");
            }
            KafkaFuture<ShareGroupDescription> failed = KafkaFuture.completedFuture(null).thenApply(v -> {
                throw failure;
            });
            return new DescribeShareGroupsResult(Map.of("my-group", failed));
        });
    }
}

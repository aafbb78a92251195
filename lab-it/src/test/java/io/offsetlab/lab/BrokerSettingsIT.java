package io.offsetlab.lab;

import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.KafkaFailures;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker settings demos and tests depend on are read from the broker; a client that may
 * not read broker configs (no DESCRIBE_CONFIGS on the cluster) gets Kafka's documented defaults,
 * and is told so. On a secured broker: the super user reads them, the ordinary user may not.
 */
@KafkaLab(secured = true)
class BrokerSettingsIT {

    @Test
    void aClientAllowedToDescribeConfigsReadsTheBrokersOwnValues(LabKafka kafka) {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka.backend()))) {
            BrokerSettings settings = BrokerSettings.read(admin, KafkaFailures.principal(kafka.backend()));
            assertTrue(settings.fromCluster(), settings.source());
            assertTrue(settings.source().startsWith("read from broker "), settings.source());
            assertEquals(kafka.settings().value(BrokerSettings.GROUP_MIN_SESSION), settings.value(BrokerSettings.GROUP_MIN_SESSION));
        }
    }

    /**
     * On a broker shared by every module (CI's stock leg), chapter 05's ToolAclsIT grants the same
     * ordinary user DESCRIBE_CONFIGS on the cluster for a few seconds of one of its tests: wait,
     * at most a minute, for the user to have none.
     */
    @Test
    void aClientWithoutDescribeConfigsGetsKafkasDefaultsAndIsToldWhy(LabKafka kafka) {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka.ordinaryUser()))) {
            String principal = KafkaFailures.principal(kafka.ordinaryUser());
            BrokerSettings settings = await("no other test class lets " + principal + " read broker configs")
                    .atMost(Duration.ofSeconds(60)).until(() -> BrokerSettings.read(admin, principal), read -> !read.fromCluster());
            assertEquals("Kafka's defaults: " + KafkaFailures.principal(kafka.ordinaryUser())
                    + " may not read broker configs (no DESCRIBE_CONFIGS on the cluster)", settings.source());
            assertEquals(6000, settings.value(BrokerSettings.GROUP_MIN_SESSION), "Kafka's default group.min.session.timeout.ms");
        }
    }
}

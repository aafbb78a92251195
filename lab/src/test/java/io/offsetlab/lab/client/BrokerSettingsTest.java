package io.offsetlab.lab.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Kafka's defaults as the lab falls back to them, and the arithmetic on settings (pure logic, no broker). */
class BrokerSettingsTest {

    private final BrokerSettings defaults = BrokerSettings.kafkaDefaults("Kafka's defaults: test");

    @Test
    void kafkasDefaultsAreTheDocumentedOnes() {
        assertEquals(6000, defaults.value(BrokerSettings.GROUP_MIN_SESSION));
        assertEquals(1_800_000, defaults.value(BrokerSettings.GROUP_MAX_SESSION));
        assertEquals(45_000, defaults.value(BrokerSettings.CONSUMER_SESSION));
        assertEquals(5000, defaults.value(BrokerSettings.CONSUMER_HEARTBEAT));
        assertEquals(10_080, defaults.value(BrokerSettings.OFFSETS_RETENTION_MINUTES), "7 days");
        assertEquals(600_000, defaults.value(BrokerSettings.OFFSETS_RETENTION_CHECK));
        assertEquals(300_000, defaults.value(BrokerSettings.LOG_RETENTION_CHECK));
        assertEquals(3000, defaults.value(BrokerSettings.INITIAL_REBALANCE_DELAY));
        assertEquals(3, defaults.value(BrokerSettings.OFFSETS_TOPIC_REPLICATION));
        assertEquals(9000, defaults.value(BrokerSettings.BROKER_SESSION), "how long a dead broker stays unfenced");
        assertFalse(defaults.fromCluster(), "defaults are not what a cluster said");
    }

    @Test
    void aClassicSessionTimeoutIsMovedIntoTheBrokersRange() {
        assertEquals(6000, defaults.classicSessionTimeoutMs(2000), "below group.min.session.timeout.ms: the minimum");
        assertEquals(10_000, defaults.classicSessionTimeoutMs(10_000), "inside the range: as asked");
        assertEquals(1_800_000, defaults.classicSessionTimeoutMs(3_600_000), "above the maximum: the maximum");
        assertEquals(45_000, defaults.sessionTimeoutMs("consumer", 2000), "the consumer protocol's is the broker's own");
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertEquals(List.of("7 days", "1 day", "2 h", "10 min", "45 s", "500 ms"), List.of(BrokerSettings.human(604_800_000),
                BrokerSettings.human(86_400_000), BrokerSettings.human(7_200_000), BrokerSettings.human(600_000),
                BrokerSettings.human(45_000), BrokerSettings.human(500)));
    }

    @Test
    void describeNamesTheValuesAndWhereTheyCameFrom() {
        assertEquals("offsets.retention.minutes=10080 (Kafka's defaults: test)",
                defaults.describe(List.of(BrokerSettings.OFFSETS_RETENTION_MINUTES)));
    }
}

package io.offsetlab.lab.broker;

import io.offsetlab.lab.client.BrokerSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab's broker session on its clusters, checked as Kafka 4.4 checks it at start (pure logic, no broker). */
class LabBrokerConfigTest {

    private static final String SESSION = BrokerSettings.BROKER_SESSION;
    private static final String HEARTBEAT = "broker.heartbeat.interval.ms";

    @Test
    void aClusterNodesBrokerSessionIs4sWithHeartbeatsAtMostHalfOfIt() {
        Map<String, String> cluster = LabBrokerConfig.forNodes(3);
        long session = Long.parseLong(cluster.get(SESSION));
        long heartbeat = Long.parseLong(cluster.get(HEARTBEAT));
        assertEquals(4000, session, "a killed node is fenced 4 s after its last heartbeat, not Kafka's 9 s");
        // KafkaConfig.validateValues logs an error at start when the heartbeat interval is more
        // than half the session: a node that misses one heartbeat would lose its lease.
        assertTrue(2 * heartbeat <= session, HEARTBEAT + " (" + heartbeat + " ms) must be at most half of " + SESSION
                + " (" + session + " ms), as Kafka requires");
    }

    @Test
    void aSingleBrokerKeepsKafkasBrokerSession() {
        Map<String, String> single = LabBrokerConfig.defaults();
        assertFalse(single.containsKey(SESSION) || single.containsKey(HEARTBEAT),
                "one broker is never killed and fenced by another: it keeps Kafka's 9 s session and 2 s heartbeat, " + single);
    }
}

package io.offsetlab.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broker settings every lab broker (embedded or Testcontainers) gets, so that a single node
 * behaves and runs fast. Each is validated on Kafka 4.4.0; see DESIGN.md "Broker overrides".
 */
public final class LabBrokerConfig {

    /** The Kafka version of the embedded broker and of the Testcontainers image. */
    public static final String KAFKA_VERSION = "4.4.0";

    private LabBrokerConfig() {
    }

    /** The defaults; a test class or a demo may override any of them. */
    public static Map<String, String> defaults() {
        Map<String, String> config = new LinkedHashMap<>();
        // A single broker cannot hold 3 replicas of the internal topics (default RF 3).
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        // One __consumer_offsets partition instead of 50: the coordinator is ready sooner.
        config.put("offsets.topic.num.partitions", "1");
        // Classic groups otherwise wait 3 s before the first rebalance of a new group.
        config.put("group.initial.rebalance.delay.ms", "0");
        // Check for expired offsets / log segments every second (defaults: 10 min, 5 min).
        config.put("offsets.retention.check.interval.ms", "1000");
        config.put("log.retention.check.interval.ms", "1000");
        // ...starting at once: LogManager otherwise waits 30 s after start-up before its first
        // retention check (a testing-only setting of Kafka's, ServerLogConfigs).
        config.put("log.initial.task.delay.ms", "0");
        // Allow the short session timeouts chapter 04 uses (defaults: 6000 classic, 45000 consumer).
        config.put("group.min.session.timeout.ms", "1000");
        config.put("group.consumer.min.session.timeout.ms", "1000");
        config.put("group.consumer.session.timeout.ms", "6000");
        config.put("group.consumer.min.heartbeat.interval.ms", "100");
        config.put("group.consumer.heartbeat.interval.ms", "500");
        return config;
    }

    /** {@link #defaults()} with {@code overrides} applied on top. */
    public static Map<String, String> withOverrides(Map<String, String> overrides) {
        Map<String, String> config = defaults();
        config.putAll(overrides);
        return config;
    }
}

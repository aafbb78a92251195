package io.offsetlab.lab.broker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker settings of the lab's own brokers (embedded or Testcontainers): shortened
 * timeouts and intervals so that every claim shows within seconds, each one accepted by
 * Kafka 4.4.0 (the broker validates them at start). {@link #kafkaDefaults} is the opposite:
 * Kafka's defaults, as on a reader's cluster ({@code ./run broker --defaults}).
 */
public final class LabBrokerConfig {

    /** The Kafka version of the embedded broker and of the Testcontainers image. */
    public static final String KAFKA_VERSION = "4.4.0";

    private LabBrokerConfig() {
    }

    /** The lab's settings for its single broker; a test class or a demo may override any of them. */
    public static Map<String, String> defaults() {
        return forNodes(1);
    }

    /** The lab's settings for a cluster of {@code nodes} nodes. */
    public static Map<String, String> forNodes(int nodes) {
        Map<String, String> config = internalTopicsFor(nodes);
        // One __consumer_offsets partition instead of 50: the coordinator is ready sooner.
        config.put("offsets.topic.num.partitions", "1");
        // The same for the share groups' state topic, __share_group_state (default 50).
        config.put("share.coordinator.state.topic.num.partitions", "1");
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
        // §6 share groups: the same for share-group members (defaults: session 45 s, min 45 s;
        // heartbeat 5 s, min 5 s), so a new member gets its assignment within a second.
        config.put("group.share.min.session.timeout.ms", "1000");
        config.put("group.share.session.timeout.ms", "6000");
        config.put("group.share.min.heartbeat.interval.ms", "100");
        config.put("group.share.heartbeat.interval.ms", "500");
        // §6: let a share group set a record lock of 1 s (Kafka's floor for this setting)
        // instead of the 15 s minimum, so a lock that expires shows within seconds. The default
        // lock, group.share.record.lock.duration.ms, stays Kafka's 30 s (bounds 15-60 s).
        config.put("group.share.min.record.lock.duration.ms", "1000");
        if (nodes > 1) {
            // A killed node keeps its partitions, and its id, until the controller fences it:
            // when its broker session runs out, 4 s after its last heartbeat instead of Kafka's
            // 9 s. Heartbeats every second (default 2 s) keep 4 of them per session, as Kafka's
            // defaults keep 4.5, so a node that lives but is slow on a loaded machine stays in.
            config.put("broker.session.timeout.ms", "4000");
            config.put("broker.heartbeat.interval.ms", "1000");
        }
        return config;
    }

    /**
     * Kafka's own defaults, as a real cluster has them (offsets kept 7 days, sessions from 6 s
     * classic and 45 s consumer, a 3 s initial rebalance delay, ...). The one exception is a
     * cluster of fewer than 3 nodes, which cannot hold the 3 replicas Kafka gives its internal
     * topics by default: there the lab sets what Kafka's own config/server.properties sets for
     * a single node.
     */
    public static Map<String, String> kafkaDefaults(int nodes) {
        return internalTopicsFor(nodes);
    }

    /**
     * Replication of __consumer_offsets, __transaction_state and __share_group_state: Kafka's 3
     * (min ISR 2), or all the nodes there are. A share group on one node needs the last one:
     * without it the share coordinator cannot create its state topic and a share consumer
     * receives nothing.
     */
    private static Map<String, String> internalTopicsFor(int nodes) {
        Map<String, String> config = new LinkedHashMap<>();
        if (nodes < 3) {
            config.put("offsets.topic.replication.factor", Integer.toString(nodes));
            config.put("transaction.state.log.replication.factor", Integer.toString(nodes));
            config.put("transaction.state.log.min.isr", "1");
            config.put("share.coordinator.state.topic.replication.factor", Integer.toString(nodes));
            config.put("share.coordinator.state.topic.min.isr", "1");
        }
        return config;
    }

    /** {@link #defaults()} with {@code overrides} applied on top. */
    public static Map<String, String> withOverrides(Map<String, String> overrides) {
        Map<String, String> config = defaults();
        config.putAll(overrides);
        return config;
    }
}

package io.offsetlab.poll;

import io.offsetlab.lab.ClientConfigs;
import io.offsetlab.lab.KafkaBackend;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.Map;

/**
 * Consumer configs for §4's experiments on either group protocol. The liveness settings
 * live in different places: on classic the client sets session.timeout.ms and
 * heartbeat.interval.ms; on consumer (KIP-848) the broker does
 * (group.consumer.session.timeout.ms, 6000 on the lab broker; default 45000) and the client
 * must not set them. max.poll.interval.ms is client-side on both.
 */
public final class Members {

    /** Classic session timeout used in the experiments (default 45000). */
    public static final int CLASSIC_SESSION_TIMEOUT_MS = 3000;
    /** The lab broker's group.consumer.session.timeout.ms (default 45000). */
    public static final int CONSUMER_SESSION_TIMEOUT_MS = 6000;

    private Members() {
    }

    /** A member of {@code group}: auto commit off, earliest, and the protocol's session settings. */
    public static Map<String, Object> config(KafkaBackend kafka, String group, String protocol, int maxPollIntervalMs) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs);
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, CLASSIC_SESSION_TIMEOUT_MS);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        return config;
    }

    /** The session timeout in force for {@code protocol} with the configs above. */
    public static int sessionTimeoutMs(String protocol) {
        return protocol.equals("classic") ? CLASSIC_SESSION_TIMEOUT_MS : CONSUMER_SESSION_TIMEOUT_MS;
    }
}

package io.offsetlab.poll;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;

/**
 * Consumer configs for §4's experiments on either group protocol. The liveness settings
 * live in different places: on classic the client sets session.timeout.ms and
 * heartbeat.interval.ms, within the broker's group.min/max.session.timeout.ms; on consumer
 * (KIP-848) the broker does (group.consumer.session.timeout.ms, default 45000) and the client
 * must not set them. max.poll.interval.ms is client-side on both. The broker's values are read
 * from it ({@link BrokerSettings}), never assumed.
 */
public final class Members {

    /** The classic session timeout the experiments ask for (default 45000); the broker may allow only longer ones. */
    static final int WANTED_CLASSIC_SESSION_TIMEOUT_MS = 3000;

    private Members() {
    }

    /** A member of {@code group}: auto commit off, earliest, and the protocol's session settings. */
    public static Map<String, Object> config(KafkaBackend kafka, String group, String protocol, int maxPollIntervalMs) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic, or consumer (KIP-848): both are shown
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // members commit with commitSync(): failures show
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group reads the scene's records from the start
        // The client-side limit between two poll() calls, on both protocols (300000 by default).
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs);
        if (protocol.equals("classic")) {
            // Classic's session is the client's: 3 s where the broker allows it (group.min.session.timeout.ms),
            // so a crash shows in seconds.
            int session = sessionTimeoutMs(kafka, protocol);
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
            // A sixth of the session: several beats per session, under the third Kafka's docs advise at most.
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeatIntervalMs(kafka, protocol));
        }
        return config;
    }

    /**
     * The session timeout in force for {@code protocol} with the configs above: classic, the
     * shortest this broker accepts from 3000 up; consumer, the broker's own.
     */
    public static int sessionTimeoutMs(KafkaBackend kafka, String protocol) {
        return BrokerSettings.of(kafka).sessionTimeoutMs(protocol, WANTED_CLASSIC_SESSION_TIMEOUT_MS);
    }

    /** How often a member heartbeats: classic, a sixth of its session; consumer, as the broker says. */
    public static int heartbeatIntervalMs(KafkaBackend kafka, String protocol) {
        return protocol.equals("classic") ? sessionTimeoutMs(kafka, protocol) / 6
                : (int) BrokerSettings.of(kafka).value(BrokerSettings.CONSUMER_HEARTBEAT);
    }

    /**
     * Processing long enough that the member is certainly out of the group by the time it is
     * done: max.poll.interval.ms, plus the time the client takes to act on it. The classic
     * client's heartbeat thread checks the poll timer every 100 ms; the consumer-protocol
     * client (Kafka 4.4) checks it when its background thread next wakes, which with an idle
     * member is its next heartbeat ({@code ConsumerNetworkThread.runOnce} sleeps as long as the
     * heartbeat manager's {@code poll} says: the time to the next heartbeat). So: twice
     * max.poll.interval.ms, or one heartbeat interval and a second more, whichever is longer.
     */
    public static int overrunMs(KafkaBackend kafka, String protocol, int maxPollIntervalMs) {
        return maxPollIntervalMs + Math.max(maxPollIntervalMs, heartbeatIntervalMs(kafka, protocol) + 1000);
    }

    /**
     * How long "slow" processing takes to prove that only max.poll.interval.ms, not the session,
     * bounds it: longer than the session timeout by half of it, at most by 10 s (a 45 s session
     * then needs 55 s, not 67).
     */
    public static int longerThanTheSessionMs(KafkaBackend kafka, String protocol) {
        int session = sessionTimeoutMs(kafka, protocol);
        return session + Math.min(session / 2, 10_000);
    }

    /** Partitions as a demo shows them, by number only ("[0, 1]"): the topic is named once, above the timeline. */
    public static String partitions(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList().toString();
    }
}

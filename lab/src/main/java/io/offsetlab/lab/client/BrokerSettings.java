package io.offsetlab.lab.client;

import io.offsetlab.lab.broker.KafkaBackend;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.server.config.AbstractKafkaConfig;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The broker settings the lab's demos and tests depend on, read from the cluster they run on
 * (Admin {@code describeConfigs} of one broker) instead of assumed: a reader's cluster has
 * Kafka's defaults, the lab's own broker has shortened ones. When the client may not read
 * broker configs (no DESCRIBE_CONFIGS on the cluster), the values are Kafka's documented
 * defaults, and {@link #source()} says so.
 */
public final class BrokerSettings {

    public static final String GROUP_MIN_SESSION = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION = "group.max.session.timeout.ms";
    public static final String CONSUMER_MIN_SESSION = "group.consumer.min.session.timeout.ms";
    public static final String CONSUMER_MAX_SESSION = "group.consumer.max.session.timeout.ms";
    public static final String CONSUMER_SESSION = "group.consumer.session.timeout.ms";
    public static final String CONSUMER_HEARTBEAT = "group.consumer.heartbeat.interval.ms";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK = "offsets.retention.check.interval.ms";
    public static final String LOG_RETENTION_CHECK = "log.retention.check.interval.ms";
    public static final String INITIAL_REBALANCE_DELAY = "group.initial.rebalance.delay.ms";
    public static final String OFFSETS_TOPIC_REPLICATION = "offsets.topic.replication.factor";
    public static final String BROKER_SESSION = "broker.session.timeout.ms";

    /** Every setting this class reads. */
    public static final List<String> KEYS = List.of(GROUP_MIN_SESSION, GROUP_MAX_SESSION, CONSUMER_MIN_SESSION,
            CONSUMER_MAX_SESSION, CONSUMER_SESSION, CONSUMER_HEARTBEAT, OFFSETS_RETENTION_MINUTES, OFFSETS_RETENTION_CHECK,
            LOG_RETENTION_CHECK, INITIAL_REBALANCE_DELAY, OFFSETS_TOPIC_REPLICATION, BROKER_SESSION);

    /** Read once per cluster handle: static broker settings do not change while a demo or test runs. */
    private static final Map<KafkaBackend, BrokerSettings> READ = new WeakHashMap<>();

    private final Map<String, String> values;
    private final String source;
    private final boolean fromCluster;

    private BrokerSettings(Map<String, String> values, String source, boolean fromCluster) {
        this.values = values;
        this.source = source;
        this.fromCluster = fromCluster;
    }

    /** The settings of the cluster {@code kafka} reaches, read on first use. */
    public static BrokerSettings of(KafkaBackend kafka) {
        synchronized (READ) {
            BrokerSettings settings = READ.get(kafka);
            if (settings == null) {
                try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
                    settings = read(admin, KafkaFailures.principal(kafka));
                }
                READ.put(kafka, settings);
            }
            return settings;
        }
    }

    /** Reads the settings of the broker with the lowest id; Kafka's defaults when that is not allowed. */
    public static BrokerSettings read(Admin admin, String principal) {
        try {
            Node node = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .min(Comparator.comparingInt(Node::id)).orElseThrow();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            Map<String, String> values = new LinkedHashMap<>();
            for (String key : KEYS) {
                ConfigEntry entry = config.get(key);
                values.put(key, entry != null && entry.value() != null ? entry.value() : kafkaDefault(key));
            }
            return new BrokerSettings(values, "read from broker " + node.id(), true);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                return kafkaDefaults("Kafka's defaults: " + principal + " may not read broker configs (no DESCRIBE_CONFIGS on the cluster)");
            }
            throw new IllegalStateException("cannot read the broker's settings: " + KafkaFailures.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the broker's settings", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not describe its configs within 30 s", e);
        }
    }

    /** Kafka's documented defaults, with {@code why} as the source. */
    public static BrokerSettings kafkaDefaults(String why) {
        return new BrokerSettings(KEYS.stream().collect(Collectors.toMap(k -> k, BrokerSettings::kafkaDefault,
                (a, b) -> a, LinkedHashMap::new)), why, false);
    }

    /** The default Kafka's broker config definition gives {@code key}. */
    private static String kafkaDefault(String key) {
        return String.valueOf(AbstractKafkaConfig.CONFIG_DEF.defaultValues().get(key));
    }

    /** True when the values were read from the cluster, false when they are Kafka's defaults. */
    public boolean fromCluster() {
        return fromCluster;
    }

    /** Where the values come from: "read from broker 1", or why they are Kafka's defaults. */
    public String source() {
        return source;
    }

    public long value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(key + " is not one of the settings the lab reads: " + KEYS);
        }
        return Long.parseLong(values.get(key));
    }

    /** "key=value, ..." for {@code keys}, then where they come from. */
    public String describe(List<String> keys) {
        return keys.stream().map(k -> k + "=" + values.get(k)).collect(Collectors.joining(", ")) + " (" + source + ")";
    }

    /**
     * The classic session timeout closest to {@code wanted} that this broker accepts
     * (group.min.session.timeout.ms .. group.max.session.timeout.ms; outside them joining
     * fails with InvalidSessionTimeoutException).
     */
    public int classicSessionTimeoutMs(int wanted) {
        return (int) Math.max(value(GROUP_MIN_SESSION), Math.min(wanted, value(GROUP_MAX_SESSION)));
    }

    /** The consumer protocol's session timeout: the broker's, the client cannot set one (KIP-848). */
    public int consumerSessionTimeoutMs() {
        return (int) value(CONSUMER_SESSION);
    }

    /** The session timeout a member of {@code protocol} gets when it asks for {@code wanted} (classic only). */
    public int sessionTimeoutMs(String protocol, int wanted) {
        return protocol.equals("classic") ? classicSessionTimeoutMs(wanted) : consumerSessionTimeoutMs();
    }

    /** A duration for people: "7 days", "10 min", "45 s", "500 ms". */
    public static String human(long millis) {
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + (millis == 86_400_000 ? " day" : " days");
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** offsets.retention.minutes in milliseconds. */
    public long offsetsRetentionMs() {
        return TimeUnit.MINUTES.toMillis(value(OFFSETS_RETENTION_MINUTES));
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.KafkaFailures;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * §6: the broker settings a share group's story depends on, read from the cluster (Admin
 * describeConfigs of the broker with the lowest id, and describeFeatures for share.version)
 * instead of assumed. Without DESCRIBE_CONFIGS the values are Kafka 4.4.0's defaults
 * (ShareGroupConfig, GroupCoordinatorConfig), and {@link #source()} says so.
 */
public final class ShareSettings {

    public static final String LOCK_DEFAULT = "group.share.record.lock.duration.ms";
    public static final String LOCK_MIN = "group.share.min.record.lock.duration.ms";
    public static final String LOCK_MAX = "group.share.max.record.lock.duration.ms";
    public static final String LIMIT_DEFAULT = "group.share.delivery.count.limit";
    public static final String LIMIT_MIN = "group.share.min.delivery.count.limit";
    public static final String LIMIT_MAX = "group.share.max.delivery.count.limit";
    public static final String HEARTBEAT = "group.share.heartbeat.interval.ms";
    public static final String SESSION = "group.share.session.timeout.ms";
    /**
     * The prefix a share group's dead-letter topic must have (KIP-1191; GroupCoordinatorConfig,
     * default "dlq."; "" allows any name). The broker checks it when it writes a dead letter.
     */
    public static final String DLQ_TOPIC_PREFIX = "errors.deadletterqueue.topic.name.prefix";
    static final String DLQ_TOPIC_PREFIX_DEFAULT = "dlq.";

    /** Kafka 4.4.0's defaults (ShareGroupConfig, GroupCoordinatorConfig), in the order shown. */
    static final Map<String, Long> KAFKA_DEFAULTS = kafkaDefaults();

    private final Map<String, Long> values;
    private final String source;
    private final short shareVersion;
    private final String dlqTopicPrefix;

    private ShareSettings(Map<String, Long> values, String source, short shareVersion, String dlqTopicPrefix) {
        this.values = values;
        this.source = source;
        this.shareVersion = shareVersion;
        this.dlqTopicPrefix = dlqTopicPrefix;
    }

    private static Map<String, Long> kafkaDefaults() {
        Map<String, Long> defaults = new LinkedHashMap<>();
        defaults.put(LOCK_DEFAULT, 30_000L);
        defaults.put(LOCK_MIN, 15_000L);
        defaults.put(LOCK_MAX, 60_000L);
        defaults.put(LIMIT_DEFAULT, 5L);
        defaults.put(LIMIT_MIN, 2L);
        defaults.put(LIMIT_MAX, 10L);
        defaults.put(HEARTBEAT, 5_000L);
        defaults.put(SESSION, 45_000L);
        return defaults;
    }

    /** Reads the settings of the cluster {@code kafka} reaches. */
    public static ShareSettings read(KafkaBackend kafka) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            return read(admin, KafkaFailures.principal(kafka));
        }
    }

    static ShareSettings read(Admin admin, String principal) throws ExecutionException, InterruptedException {
        short shareVersion = shareVersion(admin);
        try {
            Node node = admin.describeCluster().nodes().get().stream().min(Comparator.comparingInt(Node::id)).orElseThrow();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            Map<String, Long> values = new LinkedHashMap<>();
            KAFKA_DEFAULTS.forEach((key, fallback) -> {
                ConfigEntry entry = config.get(key);
                values.put(key, entry != null && entry.value() != null ? Long.parseLong(entry.value()) : fallback);
            });
            ConfigEntry prefix = config.get(DLQ_TOPIC_PREFIX);
            return new ShareSettings(values, "read from broker " + node.id(), shareVersion,
                    prefix != null && prefix.value() != null ? prefix.value() : DLQ_TOPIC_PREFIX_DEFAULT);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                return new ShareSettings(KAFKA_DEFAULTS, "Kafka's defaults: " + principal
                        + " may not read broker configs (no DESCRIBE_CONFIGS on the cluster)", shareVersion,
                        DLQ_TOPIC_PREFIX_DEFAULT);
            }
            throw e;
        }
    }

    /** The finalized share.version feature level (0: share groups are off on this cluster). */
    private static short shareVersion(Admin admin) throws ExecutionException, InterruptedException {
        FinalizedVersionRange range = admin.describeFeatures().featureMetadata().get()
                .finalizedFeatures().get("share.version");
        return range == null ? 0 : range.maxVersionLevel();
    }

    public long value(String key) {
        return values.get(key);
    }

    public String source() {
        return source;
    }

    /** share.version as the cluster finalized it; share groups need at least 1. */
    public short shareVersion() {
        return shareVersion;
    }

    /**
     * What a share group's dead-letter topic name must start with on this cluster
     * (errors.deadletterqueue.topic.name.prefix). Dead letters need share.version 2.
     */
    public String dlqTopicPrefix() {
        return dlqTopicPrefix;
    }

    /** The record lock closest to {@code wantedMs} that the broker lets a group set. */
    public long lockDurationMs(long wantedMs) {
        return Math.max(value(LOCK_MIN), Math.min(wantedMs, value(LOCK_MAX)));
    }

    /** The delivery count limit closest to {@code wanted} that the broker lets a group set. */
    public int deliveryCountLimit(int wanted) {
        return (int) Math.max(value(LIMIT_MIN), Math.min(wanted, value(LIMIT_MAX)));
    }

    /** Every setting, one per line, for the demo's header. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("  %-42s %d%n", "share.version (finalized feature level)", shareVersion));
        values.forEach((key, value) -> text.append(String.format("  %-42s %d%n", key, value)));
        text.append(String.format("  %-42s \"%s\"%n", DLQ_TOPIC_PREFIX, dlqTopicPrefix));
        return text.toString();
    }
}

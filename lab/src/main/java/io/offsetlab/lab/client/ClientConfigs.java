package io.offsetlab.lab.client;

import io.offsetlab.lab.broker.KafkaBackend;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The plumbing part of client configs: where the cluster is, its security settings and
 * String (de)serializers. Everything a chapter is about (auto.offset.reset,
 * enable.auto.commit, max.poll.interval.ms ...) is set visibly by the chapter itself.
 */
public final class ClientConfigs {

    /** Shown instead of a password-type value. */
    public static final String MASK = "[hidden]";

    private ClientConfigs() {
    }

    public static Map<String, Object> admin(KafkaBackend kafka) {
        return base(kafka);
    }

    public static Map<String, Object> producer(KafkaBackend kafka) {
        Map<String, Object> config = base(kafka);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    /** A consumer in {@code groupId} (null: no group, for assign()-only consumers). */
    public static Map<String, Object> consumer(KafkaBackend kafka, String groupId) {
        Map<String, Object> config = base(kafka);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    private static Map<String, Object> base(KafkaBackend kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }

    /**
     * "key=value, ..." sorted by key, with every password-type value (as Kafka's own
     * ConfigDefs declare them, e.g. ssl.keystore.password, sasl.jaas.config) replaced by
     * {@link #MASK}. Keys Kafka does not know are masked when their name looks secret.
     */
    public static String describe(Map<String, ?> config) {
        return new TreeMap<>(config).entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? MASK : e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** True when Kafka declares {@code key} a PASSWORD or its name says it holds a secret. */
    public static boolean isSecret(String key) {
        if (PASSWORD_KEYS.contains(key)) {
            return true;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("token") || lower.contains("credential");
    }

    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    private static Set<String> passwordKeys() {
        Map<String, ConfigDef.ConfigKey> keys = new HashMap<>();
        keys.putAll(AdminClientConfig.configDef().configKeys());
        keys.putAll(ConsumerConfig.configDef().configKeys());
        keys.putAll(ProducerConfig.configDef().configKeys());
        return keys.values().stream()
                .filter(k -> k.type == ConfigDef.Type.PASSWORD)
                .map(k -> k.name)
                .collect(Collectors.toUnmodifiableSet());
    }
}

package io.offsetlab.lab;

import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * A test class's handle on its broker: unique topic and group names, an Admin client, and
 * clients configured for the broker. Kafka calls that are the point of a test stay in the
 * test; this class only does plumbing.
 */
public final class LabKafka implements AutoCloseable {

    private final KafkaBackend backend;
    private final KafkaBackend ordinaryUser;
    private Admin admin;

    LabKafka(KafkaBackend backend, KafkaBackend ordinaryUser) {
        this.backend = backend;
        this.ordinaryUser = ordinaryUser;
    }

    public KafkaBackend backend() {
        return backend;
    }

    public String bootstrapServers() {
        return backend.bootstrapServers();
    }

    /**
     * A demo's or tool's arguments for this broker: {@code --bootstrap-server HOST:PORT
     * [--command-config FILE]} (see {@link KafkaBackend#commandLine()}), then {@code args}.
     */
    public String[] commandLine(String... args) {
        List<String> all = new ArrayList<>(backend.commandLine());
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** The cluster of a @KafkaLab(brokers = n) class, whose nodes the test may kill, wipe and restart. */
    public Cluster cluster() {
        if (backend instanceof Cluster cluster) {
            return cluster;
        }
        throw new IllegalStateException("not a cluster the lab started: " + backend.description() + "; use @KafkaLab(brokers = 3)");
    }

    /** The settings of this broker the tests depend on, read from it once. */
    public BrokerSettings settings() {
        return BrokerSettings.of(backend);
    }

    /**
     * A secured broker as its ordinary user sees it (@KafkaLab(secured = true)): no super user
     * rights, only what ACLs grant. Null on a broker without security.
     */
    public KafkaBackend ordinaryUser() {
        return ordinaryUser;
    }

    /** One Admin client per test class, closed with it. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(ClientConfigs.admin(backend));
        }
        return admin;
    }

    /** prefix + a random suffix: topics and groups never collide between tests or reruns. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String newGroupId(String prefix) {
        return uniqueName(prefix);
    }

    /** Creates a topic with a unique name (replication factor 1) and returns the name. */
    public String createTopic(String prefix, int partitions) {
        return createTopic(prefix, partitions, Map.of());
    }

    public String createTopic(String prefix, int partitions, Map<String, String> topicConfig) {
        return createTopic(prefix, partitions, (short) 1, topicConfig);
    }

    /** Creates a topic with a unique name and {@code replicas} copies of each partition, and returns the name. */
    public String createTopic(String prefix, int partitions, short replicas, Map<String, String> topicConfig) {
        String name = uniqueName(prefix);
        Topics.create(admin(), new NewTopic(name, partitions, replicas).configs(topicConfig));
        return name;
    }

    public Map<String, Object> producerConfig() {
        return ClientConfigs.producer(backend);
    }

    public Map<String, Object> consumerConfig(String groupId) {
        return ClientConfigs.consumer(backend, groupId);
    }

    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(producerConfig());
    }

    /** A consumer of {@code groupId} with {@code settings} (the ones the test is about) on top. */
    public KafkaConsumer<String, String> consumer(String groupId, Map<String, Object> settings) {
        Map<String, Object> config = consumerConfig(groupId);
        config.putAll(settings);
        return new KafkaConsumer<>(config);
    }

    /** Writes {@code count} records "record-i" to one partition, synchronously, and returns their metadata. */
    public List<RecordMetadata> produce(String topic, int partition, int count) {
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < count; i++) {
                written.add(get(producer.send(new ProducerRecord<>(topic, partition, "key-" + i, "record-" + i))));
            }
        }
        return written;
    }

    /** Waits for a Kafka future, unwrapping its failure. */
    public static <T> T get(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}

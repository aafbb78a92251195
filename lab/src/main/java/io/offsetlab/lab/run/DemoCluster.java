package io.offsetlab.lab.run;

import io.offsetlab.lab.broker.EmbeddedKafkaBroker;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.broker.LabBrokerConfig;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.view.Columns;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Where a demo's story runs, for the {@link Runner}: the cluster given with
 * {@code --bootstrap-server}, or a broker (or a cluster of several) the demo starts itself,
 * each announced on one line; and the broker settings the story depends on, read from it.
 */
final class DemoCluster {

    private DemoCluster() {
    }

    /**
     * The cluster of {@code args}, checked to answer within {@link Runner#CONNECT_TIMEOUT}; without
     * one, an embedded broker, or a {@link KafkaCluster} of {@code brokers} nodes when more than 1,
     * with {@code brokerConfig} on top of the lab's settings.
     */
    static KafkaBackend connect(Arguments args, int brokers, Map<String, String> brokerConfig, PrintStream out) {
        if (args.bootstrapServers() != null) {
            ExternalCluster cluster = new ExternalCluster(args.bootstrapServers(), args.commandConfig());
            cluster.checkReachable(Runner.CONNECT_TIMEOUT);
            out.println(Columns.wrap("broker: " + cluster.description() + " (--bootstrap-server given)", Columns.TERMINAL, "  "));
            return cluster;
        }
        if (brokers > 1) {
            out.println("broker: starting a " + brokers + "-node Kafka " + LabBrokerConfig.KAFKA_VERSION
                    + " cluster, one process per node ...");
            KafkaCluster cluster = KafkaCluster.start(KafkaCluster.Options.lab(brokers, brokerConfig));
            out.printf("broker: ready in %.1f s, bootstrap.servers=%s%n", cluster.startMillis() / 1000.0, cluster.bootstrapServers());
            return cluster;
        }
        out.println("broker: starting an embedded Kafka " + LabBrokerConfig.KAFKA_VERSION
                + " broker (no --bootstrap-server given) ...");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerConfig);
        out.printf("broker: %s, ready in %.1f s%n", broker.description(), broker.startMillis() / 1000.0);
        return broker;
    }

    /** The broker settings the story depends on, one per line, and where they were read. */
    static void showSettings(List<String> keys, KafkaBackend kafka, PrintStream out) {
        if (keys.isEmpty()) {
            return;
        }
        BrokerSettings settings = BrokerSettings.of(kafka);
        out.println("broker settings this demo depends on (" + settings.source() + "):");
        for (String key : keys) {
            out.printf("  %-40s %s%n", key, settings.value(key));
        }
        out.println();
    }
}

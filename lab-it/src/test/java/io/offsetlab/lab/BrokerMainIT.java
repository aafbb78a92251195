package io.offsetlab.lab;

import io.offsetlab.lab.broker.BrokerMain;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.LocalMachine;
import io.offsetlab.lab.run.Runner;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone broker command ({@code ./run broker}), run as a user runs it: in its own JVM. */
@StartsItsOwnBrokers
class BrokerMainIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final int SIGTERM_EXIT = 128 + 15;

    @Test
    void servesAKafkaClientUntilSigtermThenDeletesItsTemporaryData() throws Exception {
        int port = LocalMachine.freePort();
        try (ChildJvm broker = ChildJvm.start(BrokerMain.class, "--port", Integer.toString(port))) {
            awaitReady(broker);
            assertTrue(broker.output().contains("bootstrap.servers=127.0.0.1:" + port), broker.output());
            Path dataDir = dataDir(broker.output());
            assertTrue(Files.isDirectory(dataDir), "the broker keeps its data in " + dataDir + " while it runs");

            String bootstrap = "127.0.0.1:" + port;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(external(bootstrap)))) {
                producer.send(new ProducerRecord<>("my-topic", "hello")).get();
            }
            assertEquals(List.of("hello"), readAll(bootstrap, "my-topic", 1));

            broker.terminate();
            assertEquals(SIGTERM_EXIT, broker.waitFor(STOP), "SIGTERM (like Ctrl-C) ends the broker; output:\n" + broker.output());
            assertTrue(broker.output().contains("Broker stopped."), broker.output());
            assertFalse(Files.exists(dataDir), "a temporary data dir is deleted on exit: " + dataDir);
        }
    }

    @Test
    void aRestartOnTheSameDataDirKeepsCommittedOffsets(@TempDir Path dataDir) throws Exception {
        int port = LocalMachine.freePort();
        String bootstrap = "127.0.0.1:" + port;
        TopicPartition tp = new TopicPartition("kept", 0);
        try (ChildJvm broker = ChildJvm.start(BrokerMain.class, "--port", Integer.toString(port), "--data-dir", dataDir.toString())) {
            awaitReady(broker);
            try (Admin admin = Admin.create(ClientConfigs.admin(external(bootstrap)))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
                admin.alterConsumerGroupOffsets("kept-group", Map.of(tp, new OffsetAndMetadata(7))).all().get();
            }
            broker.terminate();
            assertEquals(SIGTERM_EXIT, broker.waitFor(STOP), broker.output());
        }
        try (ChildJvm broker = ChildJvm.start(BrokerMain.class, "--port", Integer.toString(port), "--data-dir", dataDir.toString())) {
            awaitReady(broker);
            try (Admin admin = Admin.create(ClientConfigs.admin(external(bootstrap)))) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets("kept-group").partitionsToOffsetAndMetadata().get();
                assertEquals(7L, offsets.get(tp).offset(), "the committed offset survives a restart on the same --data-dir");
            }
            broker.terminate();
            broker.waitFor(STOP);
        }
        assertTrue(Files.exists(dataDir.resolve("kraft-logs")), "--data-dir is kept on exit");
    }

    @Test
    void badArgumentsPrintUsageAndExitWith2() {
        for (List<String> args : List.of(List.of("--port", "abc"), List.of("--port", "0"), List.of("--port"), List.of("--bogus"))) {
            try (ChildJvm broker = ChildJvm.start(BrokerMain.class, args.toArray(String[]::new))) {
                assertEquals(Runner.USAGE, broker.waitFor(Duration.ofSeconds(30)), args + " is a usage error; output:\n" + broker.output());
                assertTrue(broker.output().contains("usage: ./run broker"), broker.output());
                assertFalse(broker.output().contains("\tat "), "no stack trace for bad input:\n" + broker.output());
            }
        }
    }

    @Test
    void aPortInUseFailsWithAClearMessageAndExit1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ChildJvm broker = ChildJvm.start(BrokerMain.class, "--port", Integer.toString(taken.getLocalPort()))) {
            assertEquals(Runner.FAILED, broker.waitFor(Duration.ofSeconds(30)), broker.output());
            assertTrue(broker.output().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), broker.output());
            assertFalse(broker.output().contains("\tat "), "no stack trace:\n" + broker.output());
        }
    }

    private static void awaitReady(ChildJvm broker) {
        await("broker prints 'Press Ctrl-C to stop.'").atMost(START)
                .until(() -> broker.output().contains("Press Ctrl-C to stop.") || !broker.isAlive());
        assertTrue(broker.isAlive(), "the broker exited instead of serving:\n" + broker.output());
    }

    private static Path dataDir(String output) {
        Matcher m = Pattern.compile("Data: (\\S+)").matcher(output);
        assertTrue(m.find(), output);
        return Path.of(m.group(1));
    }

    private static List<String> readAll(String bootstrap, String topic, int count) {
        Map<String, Object> config = ClientConfigs.consumer(external(bootstrap), "reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            List<String> values = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                records.forEach(r -> values.add(r.value()));
                return values.size() >= count;
            });
            return values;
        }
    }

    private static KafkaBackend external(String bootstrap) {
        return new ExternalCluster(bootstrap, null);
    }
}

package io.offsetlab.basics;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1 demo, run as a reader runs it ({@code ./run 01}, in its own JVM): on its own embedded
 * broker, against an existing cluster, and with bad input (usage and exit 2; no broker:
 * a clear message and exit 1 within 15 s; never a stack trace).
 */
@KafkaLab
class OffsetBasicsDemoIT {

    private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BAD_INPUT_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void quickStartDemoRunsOnItsOwnEmbeddedBrokerAndExitsZero() {
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(DEMO_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§1 Kafka Offset 机制概述"), "the first line names the article section:\n" + output);
            assertTrue(output.contains("embedded KRaft broker"), output);
            assertWalkthrough(output);
        }
    }

    @Test
    void demoRunsAgainstAnExistingClusterWithoutPrintingSecrets(LabKafka kafka, @TempDir Path dir) throws IOException {
        // The cluster's own client settings (SASL on a secured cluster), plus a password the demo must not print.
        Map<String, String> settings = new LinkedHashMap<>(kafka.backend().clientProperties());
        settings.put("client.id", "offset-lab-demo");
        settings.put("ssl.truststore.password", "TopSecret42");
        Path clientProperties = dir.resolve("client.properties");
        Files.write(clientProperties, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class,
                "--bootstrap-server", kafka.bootstrapServers(), "--command-config", clientProperties.toString())) {
            assertEquals(Runner.OK, demo.waitFor(DEMO_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.contains("broker: external cluster at " + kafka.bootstrapServers()), output);
            assertTrue(output.contains("ssl.truststore.password=[hidden]"), "the config is shown, masked:\n" + output);
            settings.forEach((key, value) -> {
                if (ClientConfigs.isSecret(key)) {
                    assertFalse(output.contains(value), "the value of " + key + " is never printed:\n" + output);
                }
            });
            assertWalkthrough(output);
        }
    }

    @Test
    void unknownArgumentPrintsUsageAndExits2() {
        assertUsageError("unknown argument: --frobnicate", "--frobnicate");
    }

    @Test
    void malformedBootstrapServerPrintsUsageAndExits2() {
        assertUsageError("--bootstrap-server expects HOST:PORT", "--bootstrap-server", "localhost");
    }

    @Test
    void missingCommandConfigFilePrintsUsageAndExits2() {
        assertUsageError("--command-config: no readable file at /no/such/client.properties",
                "--bootstrap-server", "127.0.0.1:9092", "--command-config", "/no/such/client.properties");
    }

    @Test
    void unreachableBrokerFailsWithAClearMessageAfterTheConnectTimeoutInsteadOfHanging() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        long start = System.nanoTime();
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class, "--bootstrap-server", "127.0.0.1:" + closedPort)) {
            int exit = demo.waitFor(Duration.ofSeconds(60));
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            String output = demo.output();
            assertEquals(Runner.FAILED, exit, output);
            // Its connect timeout, plus a JVM start with room for a loaded machine: it gives up, it does not hang.
            assertTrue(seconds < Runner.CONNECT_TIMEOUT.toSeconds() + 20, "the demo gives up after its "
                    + Runner.CONNECT_TIMEOUT.toSeconds() + " s connect timeout (took " + seconds + " s, JVM start included)");
            assertTrue(output.contains("No Kafka cluster answered at 127.0.0.1:" + closedPort), output);
            assertFalse(output.contains("\tat "), "a message, not a stack trace:\n" + output);
        }
    }

    /**
     * "At once" is which way the demo fails, not how fast: with {@code bootstrap.resolve.timeout.ms}
     * at its default, 0, Kafka 4.4's client resolves the bootstrap hosts when it is created
     * ({@code ClientUtils.parseAndValidateAddresses}) and refuses a list with none it can resolve
     * (ConfigException "No resolvable bootstrap urls"), before any request; so the demo says so
     * without waiting out its {@link Runner#CONNECT_TIMEOUT}, after which it would have said
     * that no cluster answered. The wall time is a JVM start and a DNS lookup, which a loaded
     * machine or a slow resolver can stretch: no assertion on it.
     */
    @Test
    void anUnknownHostIsReportedAtOnceAsAnUnknownHost() {
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class, "--bootstrap-server", "no-such-host.invalid:9092")) {
            int exit = demo.waitFor(Duration.ofSeconds(30));
            String output = demo.output();
            assertEquals(Runner.FAILED, exit, output);
            assertTrue(output.contains("cannot resolve any host in no-such-host.invalid:9092"),
                    "the client refused the unresolvable host when it was created:\n" + output);
            assertFalse(output.contains("No Kafka cluster answered"), "it waited for no answer, so it does not say that none came "
                    + "within its " + Runner.CONNECT_TIMEOUT.toSeconds() + " s connect timeout:\n" + output);
            assertFalse(output.contains("\tat "), "a message, not a stack trace:\n" + output);
        }
    }

    private static void assertUsageError(String message, String... args) {
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class, args)) {
            assertEquals(Runner.USAGE, demo.waitFor(BAD_INPUT_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.contains(message), "expected '" + message + "' in:\n" + output);
            assertTrue(output.contains("usage: ./run 01 [options]"), output);
            assertFalse(output.contains("\tat "), "no stack trace for bad input:\n" + output);
        }
    }

    /** The story of the demo is on screen: the four steps with the offsets they must show. */
    private static void assertWalkthrough(String output) {
        assertTrue(output.contains("The broker gave the records offsets 0..9."), output);
        assertTrue(output.contains("end          10"), "step 1 shows end = 10:\n" + output);
        assertTrue(output.contains("committed = 6: the NEXT offset to read, one past the last processed record (5)."), output);
        assertTrue(output.contains("log-start     3"), "step 4 shows log-start = 3:\n" + output);
        DemoOutput.assertReadable(output, "1");
    }
}

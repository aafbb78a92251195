package io.offsetlab.basics;

import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1 demo on a secured cluster (SASL_PLAINTEXT with PLAIN, ACLs by Kafka's StandardAuthorizer),
 * run as a reader runs it: with the right client properties it tells its story; with a wrong
 * password, or as a user without ACLs, it says what failed and what to check, in one message,
 * with exit 1: no Kafka log line, no stack trace, no password.
 */
@KafkaLab(secured = true)
class OffsetBasicsSecuredDemoIT {

    private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void demoRunsOnASecuredClusterWithItsClientPropertiesFile(LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), OffsetBasicsDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(DEMO_TIMEOUT), demo.output());
            assertTrue(demo.output().contains("What to notice (§1):"), demo.output());
            assertNoSecretIn(demo.output(), kafka.backend());
        }
    }

    @Test
    void aWrongPasswordSaysThatAuthenticationFailedAndWhichFileToCheck(LabKafka kafka, @TempDir Path dir) throws IOException {
        Path wrong = dir.resolve("wrong-password.properties");
        Files.write(wrong, kafka.backend().clientProperties().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().replaceAll("password=\"[^\"]*\"", "password=\"not-the-password\""))
                .toList());
        try (ChildJvm demo = ChildJvm.start(OffsetBasicsDemo.class, "--bootstrap-server", kafka.bootstrapServers(),
                "--command-config", wrong.toString())) {
            assertEquals(Runner.FAILED, demo.waitFor(DEMO_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.contains("authentication failed at " + kafka.bootstrapServers()), output);
            assertTrue(output.contains("check the username and password in sasl.jaas.config in " + wrong), output);
            // At once: the broker's refusal itself is reported, not the connect timeout running out
            // (ExternalCluster.checkReachable says "No Kafka cluster answered ... within 10 s" then).
            assertFalse(output.contains("No Kafka cluster answered"), "the failed login, not a timeout:\n" + output);
            assertCleanFailure(output);
        }
    }

    @Test
    void anOrdinaryUserWithoutAclsIsToldWhichResourceItMayNotUse(LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.ordinaryUser(), OffsetBasicsDemo.class)) {
            assertEquals(Runner.FAILED, demo.waitFor(DEMO_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.matches("(?s).*User:\\S+ lacks CREATE on topic offset-basics-\\S+ \\(needed to create the topic\\).*"),
                    "names the principal, the operation and the topic it could not create:\n" + output);
            assertCleanFailure(output);
            assertNoSecretIn(output, kafka.ordinaryUser());
        }
    }

    /** One message: no Kafka log line before it, no stack trace. */
    private static void assertCleanFailure(String output) {
        List<String> logLines = output.lines().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")).toList();
        assertEquals(List.of(), logLines, "no Kafka log line in the output:\n" + output);
        assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
    }

    private static void assertNoSecretIn(String output, KafkaBackend kafka) {
        Map<String, String> props = kafka.clientProperties();
        props.forEach((key, value) -> assertFalse(ClientConfigs.isSecret(key) && output.contains(value),
                "the value of " + key + " is never printed:\n" + output));
    }
}

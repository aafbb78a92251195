package io.offsetlab.lab.client;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.KafkaFailures.MissingAclException;
import io.offsetlab.lab.run.ClusterArgs;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Failures told for the terminal, and the command line a child JVM gets (pure logic, no broker). */
class KafkaFailuresTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"alice\" password=\"s3cret\";";

    /** A cluster as an ordinary user reaches it: its client settings say who it is. */
    private static final KafkaBackend ALICE = new KafkaBackend() {
        @Override
        public String bootstrapServers() {
            return "kafka:9093";
        }

        @Override
        public Map<String, String> clientProperties() {
            return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS);
        }

        @Override
        public Path clientPropertiesFile() {
            return Path.of("/etc/kafka/alice.properties");
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public void close() {
        }
    };

    @Test
    void thePrincipalIsTheUsernameOfTheJaasConfigNeverThePassword() {
        assertEquals("User:alice", KafkaFailures.principal(ALICE));
    }

    @Test
    void aFailedLoginNamesTheAddressAndTheFileToCheck() {
        String message = KafkaFailures.explain(new SaslAuthenticationException("Authentication failed: Invalid username or password"), ALICE);
        assertEquals("authentication failed at kafka:9093 (Authentication failed: Invalid username or password): check the "
                + "username and password in sasl.jaas.config in /etc/kafka/alice.properties.", message);
        assertFalse(message.contains("s3cret"), message);
    }

    @Test
    void aMissingAclNamesThePrincipalTheOperationTheResourceAndWhy() {
        MissingAclException missing = new MissingAclException(AclOperation.READ, ResourceType.TOPIC, "orders", "commit offsets");
        assertEquals("User:alice lacks READ on topic orders (needed to commit offsets). Grant it (kafka-acls.sh --add) or run "
                + "as a user who has it.", KafkaFailures.explain(new RuntimeException(missing), ALICE));
    }

    @Test
    void anAuthorizationFailureNamesTheResourceKafkaNamed() {
        assertEquals("User:alice is not allowed to use topic orders: an ACL is missing (Kafka said: denied).",
                KafkaFailures.explain(new TopicAuthorizationException("denied", Set.of("orders")), ALICE));
        assertEquals("User:alice is not allowed to use group g1: an ACL is missing (Kafka said: denied).",
                KafkaFailures.explain(new GroupAuthorizationException("denied", "g1"), ALICE));
    }

    @Test
    void anUnresolvableHostIsSaidToBeOne() {
        assertEquals("cannot resolve any host in kafka:9093: no such host name (check its spelling and DNS).",
                KafkaFailures.explain(new ConfigException("No resolvable bootstrap urls given in bootstrap.servers"), ALICE));
    }

    @Test
    void aChildJvmsCommandLineStartsWithTheClusterAndItsClientPropertiesFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("alice.properties"), "security.protocol=SASL_PLAINTEXT\n");
        ClusterArgs parsed = ClusterArgs.parse(new String[] {"--bootstrap-server", "k:9092",
                "--command-config", file.toString(), "topic", "group"});
        assertEquals(List.of("topic", "group"), parsed.rest());
        assertEquals("k:9092", parsed.cluster().bootstrapServers());
        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT"), parsed.cluster().clientProperties(),
                "the child reads the cluster's settings from the file, as its parent did");
        assertEquals(List.of("--bootstrap-server", "k:9092", "--command-config", file.toString()), parsed.cluster().commandLine(),
                "and passes them on the same way");
    }

    @Test
    void aCommandLineWithoutTheClusterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClusterArgs.parse(new String[] {"topic"}));
    }
}

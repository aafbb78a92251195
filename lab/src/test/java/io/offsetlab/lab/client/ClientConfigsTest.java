package io.offsetlab.lab.client;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Printing a client config never prints a secret (pure logic, no broker). */
class ClientConfigsTest {

    @Test
    void masksEveryPasswordTypeValueKafkaDeclares() {
        String shown = ClientConfigs.describe(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cret\";",
                "ssl.truststore.password", "trust-me",
                "ssl.key.password", "key-pass"));
        assertEquals("sasl.jaas.config=[hidden], sasl.mechanism=PLAIN, security.protocol=SASL_SSL, "
                + "ssl.key.password=[hidden], ssl.truststore.password=[hidden]", shown);
    }

    @Test
    void masksUnknownKeysWhoseNameSaysSecret() {
        String shown = ClientConfigs.describe(Map.of("my.api.secret", "abc", "vault.token", "t0k", "client.id", "lab"));
        assertFalse(shown.contains("abc") || shown.contains("t0k"), shown);
        assertTrue(shown.contains("client.id=lab"), "ordinary values are shown: " + shown);
    }
}

package io.offsetlab.lab;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Broker settings reach the apache/kafka image as env vars, mapped the way the image maps them back. */
class TestcontainersBrokerTest {

    @Test
    void mapsBrokerSettingsToTheImagesEnvironmentVariables() {
        assertEquals("KAFKA_OFFSETS_RETENTION_MINUTES", TestcontainersBroker.envName("offsets.retention.minutes"));
        assertEquals("KAFKA_LISTENER_NAME_CONTROLLER_SSL__KEY", TestcontainersBroker.envName("listener.name.controller.ssl_key"));
        assertEquals("KAFKA_SOME___DASHED_KEY", TestcontainersBroker.envName("some-dashed.key"));
    }
}

package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll loop's rule for a member the group dropped (pure logic: a MockConsumer throws what
 * the 4.4 client's poll() throws then; the brokers' side is Kafka's).
 */
class PollingTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    @Test
    void aDroppedMemberGetsNoRecordsFromThatPollAndTheNextPollGoesOn() {
        MockConsumer<String, String> consumer = assignedMock();
        consumer.setPollException(new UnknownMemberIdException("dropped"));
        List<UnknownMemberIdException> told = new ArrayList<>();

        assertTrue(Polling.pollRejoining(consumer, Duration.ZERO, told::add).isEmpty(),
                "the poll that found the member dropped returns no records");
        assertEquals(1, told.size(), "onDropped is told once, for that poll");

        consumer.addRecord(new ConsumerRecord<>("t", 0, 0, "k", "v"));
        assertEquals(1, Polling.pollRejoining(consumer, Duration.ZERO, told::add).count(),
                "the next poll returns the record (MockConsumer throws its exception once)");
        assertEquals(1, told.size(), "no second report");
    }

    @Test
    void pollUntilWaitsOnThroughADroppedMemberAndNamesWhatItWaitedForWhenItGivesUp() {
        MockConsumer<String, String> consumer = assignedMock();
        consumer.setPollException(new UnknownMemberIdException("dropped"));
        IllegalStateException gaveUp = assertThrows(IllegalStateException.class,
                () -> Polling.pollUntil(consumer, Duration.ofSeconds(1), "a partition that never comes", () -> false));
        assertEquals("gave up polling after 1 s: waited for a partition that never comes", gaveUp.getMessage(),
                "the dropped member was not the failure; the deadline was, and the message says what for");
    }

    private static MockConsumer<String, String> assignedMock() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        return consumer;
    }
}

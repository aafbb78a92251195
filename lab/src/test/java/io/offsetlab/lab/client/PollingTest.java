package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
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
    void whileTheGroupNoLongerKnowsTheMemberEachPollReturnsNothingAndIsToldThenRecordsFlowAgain() {
        MockConsumer<String, String> consumer = assignedMock();
        // The 4.4 client throws from every poll until a heartbeat learns the member is gone: three here.
        consumer.schedulePollTask(() -> consumer.setPollException(new UnknownMemberIdException("dropped")));
        consumer.schedulePollTask(() -> consumer.setPollException(new UnknownMemberIdException("dropped")));
        consumer.schedulePollTask(() -> consumer.setPollException(new StaleMemberEpochException("no member epoch")));
        consumer.addRecord(new ConsumerRecord<>("t", 0, 0, "k", "v"));
        List<ApiException> told = new ArrayList<>();

        for (int poll = 1; poll <= 3; poll++) {
            assertTrue(Polling.pollRejoining(consumer, Duration.ZERO, told::add).isEmpty(),
                    "poll " + poll + " found the member dropped: no records from it");
        }
        assertEquals(List.of(UnknownMemberIdException.class, UnknownMemberIdException.class, StaleMemberEpochException.class),
                told.stream().map(Object::getClass).toList(), "each of the three polls is told, with what poll() threw");
        assertEquals(1, Polling.pollRejoining(consumer, Duration.ZERO, told::add).count(),
                "once rejoined, the next poll returns the waiting record");
        assertEquals(3, told.size(), "that poll is not reported as dropped");
    }

    @Test
    void pollUntilWaitsOnThroughADroppedMemberAndNamesWhatItWaitedForWhenItGivesUp() {
        MockConsumer<String, String> consumer = assignedMock();
        consumer.setPollException(new UnknownMemberIdException("dropped"));
        IllegalStateException gaveUp = assertThrows(IllegalStateException.class,
                () -> Polling.pollUntil(consumer, Duration.ofMillis(200), "a partition that never comes", () -> false));
        assertEquals("gave up polling after 0.2 s: waited for a partition that never comes", gaveUp.getMessage(),
                "the dropped member was not the failure; the deadline was, and the message says what for");
    }

    private static MockConsumer<String, String> assignedMock() {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        return consumer;
    }
}

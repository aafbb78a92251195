package io.offsetlab.poll;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §4 demo, run as a reader runs it ({@code ./run 04 --protocol ...}, in its own JVM) against the
 * test's broker. The demos run side by side: each names its own topics and groups, and spends
 * most of its time waiting for the broker's timeouts.
 */
@KafkaLab
@Execution(ExecutionMode.CONCURRENT)
class PollIntervalDemoIT {

    @ParameterizedTest(name = "--protocol {0}")
    @ValueSource(strings = {"classic", "consumer"})
    void demoShowsTheEvictionTimelineAndExitsZero(String protocol, LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), PollIntervalDemo.class, "--protocol", protocol)) {
            // Up to a minute of slow processing in scene 2 on a broker with a 45 s session (Kafka's default).
            assertEquals(Runner.OK, demo.waitFor(Duration.ofSeconds(240)), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§4 max.poll.interval.ms"), "the first line names the article section:\n" + output);
            assertTrue(output.contains("group.protocol=" + protocol), output);
            assertTrue(output.matches("(?s).*max.poll.interval.ms += +2000 ms +\\[300000\\].*"), "shortened value beside the default:\n" + output);
            assertTrue(output.matches("(?s).*group +slow is out of the group, \\d+ ms after its last poll\\(\\).*"),
                    "the timeline shows when the broker dropped the slow member:\n" + output);
            assertTrue(output.contains("commitSync() -> CommitFailedException"), output);
            assertTrue(output.matches("(?s).*steady +read offsets \\d+-\\d+ of partition \\d again.*"), "the re-read is on the timeline:\n" + output);
            assertTrue(output.contains("commitSync() succeeded; still assigned"), "scene 2: no eviction:\n" + output);
            assertTrue(output.matches("(?s).*killed \\(SIGKILL\\).*group +handover \\d+ ms later: the session timed out\n"
                    + ".*close\\(\\): it leaves the group\n.*group +handover \\d+ ms later: at steady's next heartbeat\n.*"),
                    "scene 3: the handover after SIGKILL waits for the session, after close() for steady's next heartbeat:\n"
                            + output);
            int heartbeat = Members.heartbeatIntervalMs(kafka.backend(), protocol);
            assertTrue(output.contains("steady finds out at its next heartbeat (one every\n" + heartbeat + " ms here"),
                    "scene 3 says how often steady heartbeats, as read from the broker (" + heartbeat + " ms):\n" + output);
            DemoOutput.assertReadable(output, "4");
        }
    }

    /** The demo's own lines say what Kafka's client logs; with --verbose, Kafka's lines are there too. */
    @Test
    void withVerboseKafkasOwnLinesAppearWhereTheDemoSaysTheyDo(LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), PollIntervalDemo.class, "--protocol", "consumer", "--verbose")) {
            assertEquals(Runner.OK, demo.waitFor(Duration.ofSeconds(240)), demo.output());
            String output = demo.output();
            assertTrue(output.contains("(Kafka's client logs a WARN: \"Consumer poll timeout has expired\"; --verbose)"), output);
            assertTrue(output.matches("(?s).*\\bWARN\\b[^\n]*Consumer poll timeout has expired.*"),
                    "Kafka's WARN, as the demo says:\n" + output);
            assertTrue(output.contains("(Kafka's client logs an ERROR: \"OffsetCommit failed with UNKNOWN_MEMBER_ID\")"), output);
            assertTrue(output.matches("(?s).*\\bERROR\\b[^\n]*OffsetCommit failed with UNKNOWN_MEMBER_ID.*"),
                    "Kafka's ERROR, as the demo says:\n" + output);
        }
    }

    @Test
    void anUnknownProtocolIsAUsageErrorBeforeAnyBrokerStarts() {
        try (ChildJvm demo = ChildJvm.start(PollIntervalDemo.class, "--protocol", "eager")) {
            assertEquals(Runner.USAGE, demo.waitFor(Duration.ofSeconds(30)), demo.output());
            assertTrue(demo.output().contains("--protocol must be one of classic, consumer, got 'eager'"), demo.output());
            assertTrue(demo.output().contains("usage: ./run 04"), demo.output());
            assertTrue(!demo.output().contains("broker:"), "no broker was started:\n" + demo.output());
        }
    }
}

package io.offsetlab.practices;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.StartsItsOwnBrokers;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 {@code ./run failover}, run as a reader runs it, in its own JVM: it starts its own 3-node
 * clusters (a demo that kills brokers never touches a cluster it did not start).
 */
@StartsItsOwnBrokers
class BrokerFailuresDemoIT {

    @Test
    void theDemoKillsTheCoordinatorLosesNothingTruncatesALogThenLosesTheOffsetsOfASingleReplica() {
        try (ChildJvm demo = ChildJvm.start(BrokerFailuresDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(Duration.ofSeconds(360)), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§5 避免 Kafka Offset 丢失的最佳实践"), "the first line names the article section:\n" + output);
            assertTrue(output.matches("(?s).*killed node \\d, the coordinator( and active controller)? \\(SIGKILL\\).*"), output);
            assertTrue(output.matches("(?s).*\\n9000 +0 +0 +\\d+ +\\d+ +\\d+ ms\\n.*"), "9000 records, 0 lost, 0 duplicates:\n" + output);
            assertTrue(output.matches("(?s).*found the new coordinator, node \\d.*"), "the client's rediscovery is shown:\n" + output);
            assertTrue(output.matches("(?s).*15 \\+ epoch +none +LogTruncationException @10 +LogTruncationException @10.*"),
                    "with the epoch and none, the truncation is detected:\n" + output);
            assertTrue(output.matches("(?s).*15 only +earliest +from 0: 3 new \\+ 10 old +from 15: 3 new, 5 skipped.*"),
                    "without the epoch: out of range, then a silent skip:\n" + output);
            assertTrue(output.contains("now they name [new-10, new-11, new-12, new-13, new-14]"), output);
            assertTrue(output.matches("(?s).*\\nearliest +0-14 \\(base-0\\.\\.lost-14\\) +10-17 \\(new-10\\.\\.new-17\\)\\n.*"),
                    "a consumer running across the election goes back to 10 and reads the new records:\n" + output);
            assertTrue(output.matches("(?s).*\\nnone +0-14 \\(base-0\\.\\.lost-14\\) +LogTruncationException at 15, diverges at 10 \\(epoch 0\\)\\n.*"),
                    "with none it gets LogTruncationException:\n" + output);
            assertTrue(output.contains("offsets 10-14 held more-10..more-14 before node 1 was killed, and the same records after."),
                    "acks=all with min.insync.replicas=2 loses nothing:\n" + output);
            assertTrue(output.matches("(?s).*earliest +60 +- +0 +60 +0.*"), "one replica, earliest: reads 60 again:\n" + output);
            assertTrue(output.matches("(?s).*latest +60 +- +100 +0 +40.*"), "one replica, latest: skips 40:\n" + output);
            DemoOutput.assertReadable(output, "5");
        }
    }

    @Test
    void aClusterOfTheReadersIsRefusedBecauseTheDemoKillsBrokers() {
        try (ChildJvm demo = ChildJvm.start(BrokerFailuresDemo.class, "--bootstrap-server", "127.0.0.1:9092")) {
            assertEquals(Runner.USAGE, demo.waitFor(Duration.ofSeconds(30)), demo.output());
            assertTrue(demo.output().contains("this demo kills brokers, so it runs only on the 3-node cluster it starts itself"),
                    demo.output());
        }
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §2 demo, run as a reader runs it ({@code ./run 02}, in its own JVM), against the test's
 * broker: the scenario table is on screen and matches AutoOffsetResetIT. The expiry scenario
 * is OffsetExpiryIT's; on a cluster that keeps offsets longer than a minute, as the test
 * broker does (Kafka's default, 7 days), the demo skips it and says why.
 */
@KafkaLab
class AutoOffsetResetDemoIT {

    @Test
    void demoPrintsTheScenarioTableAndExitsZero(LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), AutoOffsetResetDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(Duration.ofSeconds(180)), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§2 auto.offset.reset 详解"), "the first line names the article section:\n" + output);
            assertTrue(output.contains("(offset expiry skipped: this cluster keeps an empty group's offsets 7 days"), "the test broker keeps "
                    + "offsets 7 days (offsets.retention.minutes=10080, Kafka's default): the demo says it skips expiry:\n" + output);
            assertTrue(output.matches("(?s).*\nnew group +earliest +0 +5 +0 +-\n +log-start 0, end 5 +latest +5 +0 +5 +-\n"
                    + " +committed none +none +- +- +- +NoOffsetForPartitionException\n.*"), "new group: its offsets and policies:\n" + output);
            assertTrue(output.matches("(?s).*\ncommitted > end +earliest +0 +5 +0 +-\n +log-start 0, end 5 +latest +5 +0 +5 +-\n"
                    + " +committed 100 +none +- +- +- +OffsetOutOfRangeException\n.*"), "committed beyond the end:\n" + output);
            assertTrue(output.matches("(?s).*\nmoved by a rebalance +latest +10 +10 +3 +0\n.*"),
                    "a moved partition starts at its committed offset 10 with latest, and loses nothing:\n" + output);
            assertTrue(output.matches("(?s).*\nadded +latest +- +3 +2 +3\n.*"), "an added partition with latest: 3 lost:\n" + output);
            DemoOutput.assertReadable(output, "2");
        }
    }

    @Test
    void unknownArgumentPrintsUsageWithTheDemosOwnOptionAndExits2() {
        try (ChildJvm demo = ChildJvm.start(AutoOffsetResetDemo.class, "--skip-expiri")) {
            assertEquals(Runner.USAGE, demo.waitFor(Duration.ofSeconds(30)), demo.output());
            assertTrue(demo.output().contains("unknown argument: --skip-expiri"), demo.output());
            assertTrue(demo.output().contains("--skip-expiry"), "the usage lists the demo's own option:\n" + demo.output());
        }
    }
}

package io.offsetlab.reset;

import io.offsetlab.lab.ChildJvm;
import io.offsetlab.lab.DemoRunner;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
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
            assertEquals(DemoRunner.OK, demo.waitFor(Duration.ofSeconds(180)), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§2 auto.offset.reset 详解"), "the first line names the article section:\n" + output);
            assertTrue(output.contains("(offset expiry skipped: this cluster keeps an empty group's offsets 7 days"), "the test broker keeps "
                    + "offsets 7 days (offsets.retention.minutes=10080, Kafka's default): the demo says it skips expiry:\n" + output);
            assertTrue(output.matches("(?s).*new group +0 +5 +- +earliest +0 +5 +0 +-.*"), "new group, earliest:\n" + output);
            assertTrue(output.matches("(?s).*none +- +- +- +NoOffsetForPartitionException.*"), output);
            assertTrue(output.matches("(?s).*committed 100 > end 5 +0 +5 +100 +earliest +0 +5 +0.*"), output);
            assertTrue(output.matches("(?s).*latest +classic +3 +2 +3.*"), "added partition, latest: 3 lost:\n" + output);
            assertTrue(output.contains("What to notice (§2):"), output);
        }
    }

    @Test
    void unknownArgumentPrintsUsageWithTheDemosOwnOptionAndExits2() {
        try (ChildJvm demo = ChildJvm.start(AutoOffsetResetDemo.class, "--skip-expiri")) {
            assertEquals(DemoRunner.USAGE, demo.waitFor(Duration.ofSeconds(30)), demo.output());
            assertTrue(demo.output().contains("unknown argument: --skip-expiri"), demo.output());
            assertTrue(demo.output().contains("--skip-expiry"), "the usage lists the demo's own option:\n" + demo.output());
        }
    }
}

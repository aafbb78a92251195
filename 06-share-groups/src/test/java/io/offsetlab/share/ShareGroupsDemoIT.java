package io.offsetlab.share;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §6 demo ({@code ./run 06}), run as a reader runs it, in its own JVM, against the test's
 * cluster (with its client properties on a secured one): every scene on screen, within 100
 * columns, no Kafka log line, the common ending; bad input is a usage error.
 */
@KafkaLab
class ShareGroupsDemoIT {

    /** Two locks of up to 60 s each on a stock broker, plus the scenes around them. */
    private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(240);

    @Test
    void demoTellsTheShareGroupStoryAndExitsZero(LabKafka kafka) throws Exception {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), ShareGroupsDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(DEMO_TIMEOUT), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§6 beyond the article: share groups"), "the first line names the section:\n" + output);
            assertTrue(output.contains("share.version (finalized feature level)"), "the settings it read:\n" + output);
            assertTrue(output.matches("(?s).*\n  state   ACK ACK ACK AVL ARC ACK ACK ACK ACK ACK\n.*"),
                    "scene 2 draws the in-flight states after ACCEPT, RELEASE 3 and REJECT 4:\n" + output);
            assertTrue(output.contains("Admin listShareGroupOffsets: start offset 0, lag 1"), "one record left: the released one:\n" + output);
            assertTrue(output.contains("Admin listConsumerGroupOffsets(same group id): {} - no committed offset"), output);
            assertTrue(output.contains("The next poll() returned offset [3] again, deliveryCount() = [2]"), output);
            assertTrue(output.contains("\"auto.offset.reset cannot be set when using a share group.\""), output);
            assertTrue(output.matches("(?s).*\nearliest +0 .*\nby_duration:PT10M +3 .*"), "scene 3's table:\n" + output);
            assertTrue(output.matches("(?s).* other member gets \\[0, 1, 2\\], deliveryCount\\(\\) \\[2, 2, 2\\]: the lock expired\n.*")
                            || output.matches("(?s).* other member gets \\[0, 1, 2\\], deliveryCount\\(\\) \\[3, 3, 3\\]: the lock"
                            + " expired 2 times\n +\\(acquired once more in between, and that lock ran out as well\\)\n.*"),
                    "scene 4, the slow member: the other member gets the records after one lock (count 2), or, as"
                    + " seen twice in CI, after two (count 3), which the demo then says:\n" + output);
            assertTrue(output.matches("(?s).* waiting member gets \\[0, 1, 2\\], deliveryCount\\(\\) \\[2, 2, 2\\]\n.*"),
                    "scene 4, the killed member:\n" + output);
            assertTrue(output.matches("(?s).*delivery 1 of offset 0: deliveryCount\\(\\) 1.*archived: never delivered again.*"),
                    "scene 5:\n" + output);
            ShareSettings settings = ShareSettings.read(kafka.backend());
            if (settings.shareVersion() >= 2) {
                assertTrue(output.matches("(?s).*offset 0: key null, value \"record-0\"\n    __dlq\\.errors\\.topic=share-poison-dlq-.*"
                        + "__dlq\\.errors\\.message=Offset rejected by client\\.\n  offset 1: key null, value \"record-1\"\n.*"
                        + "__dlq\\.errors\\.delivery\\.count=" + settings.deliveryCountLimit(3)
                        + "\n    __dlq\\.errors\\.message=Offset delivery count exceeded the threshold\\.\n.*"),
                        "scene 5's dead letters, REJECTed and at the limit:\n" + output);
            } else {
                assertTrue(output.contains("A dead-letter topic (KIP-1191) needs share.version 2"), output);
            }
            assertTrue(output.matches("(?s).*\nmember-1 +\\d+ .*\nmember-2 +\\d+ .*\nmember-3 +\\d+ .*"), "scene 6:\n" + output);
            assertFalse(output.matches("(?s).*\nmember-\\d +0 .*"), "each of the 3 members read records:\n" + output);
            DemoOutput.assertReadable(output, "6, beyond the article");
        }
    }

    @Test
    void unknownArgumentPrintsUsageAndExits2() {
        try (ChildJvm demo = ChildJvm.start(ShareGroupsDemo.class, "--frobnicate")) {
            assertEquals(Runner.USAGE, demo.waitFor(Duration.ofSeconds(30)), demo.output());
            assertTrue(demo.output().contains("usage: ./run 06"), demo.output());
            assertFalse(demo.output().contains("\tat "), "no stack trace for bad input:\n" + demo.output());
        }
    }
}

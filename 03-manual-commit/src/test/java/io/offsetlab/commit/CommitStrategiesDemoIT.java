package io.offsetlab.commit;

import io.offsetlab.lab.DemoOutput;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §3 demo, run as a reader runs it ({@code ./run 03}, in its own JVM) against the test's
 * broker: every strategy's row says what the chapter claims.
 */
@KafkaLab
class CommitStrategiesDemoIT {

    @Test
    void demoTellsTheRestartStoryForEveryStrategyAndExitsZero(LabKafka kafka) {
        try (ChildJvm demo = ChildJvm.start(kafka.backend(), CommitStrategiesDemo.class)) {
            assertEquals(Runner.OK, demo.waitFor(Duration.ofSeconds(240)), demo.output());
            String output = demo.output();
            assertTrue(output.startsWith("§3 enable.auto.commit=false"), "the first line names the article section:\n" + output);

            int[] noCommit = row(output, "no commit");
            assertEquals(noCommit[2], noCommit[4], "no commit: everything processed before the crash is re-read");
            assertEquals(0, noCommit[5], "no commit loses nothing");
            int[] eachRecord = row(output, "commit after each record");
            assertEquals(0, eachRecord[5], "commit after each record loses nothing");
            assertTrue(eachRecord[6] == eachRecord[3] || eachRecord[6] == eachRecord[3] - 1, "the article's example commits "
                    + "once per record processed (" + eachRecord[3] + " in both runs), but for the one the crash may catch "
                    + "between its processing and its commit:\n" + output);
            int[] eachBatch = row(output, "commit after each batch");
            assertEquals(0, eachBatch[5], "commit after each batch loses nothing");
            assertTrue(eachBatch[6] < eachRecord[6] / 10, "a commit per batch of up to " + CrashableConsumer.MAX_POLL_RECORDS
                    + " is far fewer commits than one per record:\n" + output);
            assertEquals(0, row(output, "commit before processing")[4], "commit before processing re-reads nothing");
            int[] handOff = row(output, "auto commit, hand-off");
            assertTrue(handOff[5] > 0, "hand-off + auto commit loses records:\n" + output);
            assertEquals(handOff[0] - handOff[2], handOff[5], "hand-off + auto commit loses exactly the records committed "
                    + "(" + handOff[0] + ") but not processed (" + handOff[2] + ") at the crash: the restart resumes at the "
                    + "commit:\n" + output);
            assertTrue(output.matches("(?s).*\\^ processed \\d+\n.*"), "the picture marks where processing stopped:\n" + output);
            DemoOutput.assertReadable(output, "3");
        }
    }

    /** A table row: committed, position, processed at crash, processed in all, re-read, lost, commits ("-" is -1). */
    private static int[] row(String output, String strategy) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(strategy) + " {2,}(\\S+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\S+)$")
                .matcher(output);
        assertTrue(m.find(), "no table row for '" + strategy + "' in:\n" + output);
        int[] numbers = new int[7];
        for (int i = 0; i < 7; i++) {
            numbers[i] = m.group(i + 1).equals("-") ? -1 : Integer.parseInt(m.group(i + 1));
        }
        return numbers;
    }
}

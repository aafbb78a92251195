package io.offsetlab.lab;

import io.offsetlab.lab.view.Columns;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every chapter demo's output must be to a reader with the article open: every line
 * within {@link Columns#TERMINAL} columns, none of Kafka's own log lines (the lab tells the
 * story; {@code --verbose} shows Kafka's logs), and the common ending "What to notice (§N):"
 * followed by a "Proof:" line.
 */
public final class DemoOutput {

    /** A line slf4j-simple prints: "12:00:01.234 WARN NetworkClient - ..." or "[main] WARN org.apache... - ...". */
    private static final Pattern LOG_LINE = Pattern.compile("(^|\\] )(\\d\\d:\\d\\d:\\d\\d\\.\\d{3} )?(TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+ - ");

    private DemoOutput() {
    }

    public static void assertReadable(String output, String section) {
        List<String> wide = output.lines().filter(l -> Columns.of(l) > Columns.TERMINAL)
                .map(l -> Columns.of(l) + " columns: " + l).toList();
        List<String> logLines = output.lines().filter(l -> LOG_LINE.matcher(l).find()).toList();
        String notice = "What to notice (§" + section + "):";
        int noticeAt = output.indexOf(notice);
        assertAll(
                () -> assertTrue(wide.isEmpty(), "every line fits " + Columns.TERMINAL + " columns; these do not:\n"
                        + String.join("\n", wide)),
                () -> assertTrue(logLines.isEmpty(), "no Kafka log line in a demo's output (--verbose shows them):\n"
                        + String.join("\n", logLines)),
                () -> assertTrue(noticeAt >= 0 && output.indexOf("\nProof: ", noticeAt) > 0,
                        "the common ending, '" + notice + "' and then a 'Proof:' line:\n" + output));
    }
}

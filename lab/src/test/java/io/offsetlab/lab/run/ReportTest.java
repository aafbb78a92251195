package io.offsetlab.lab.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one format in which a child JVM reports to its parent (pure logic, no broker). */
class ReportTest {

    @Test
    void aReportIsOneLineWithThePrefixTheEventAndItsFieldsInNameOrder() {
        assertEquals("@lab position offset=110 partition=0", Report.of("position", Map.of("partition", 0, "offset", 110)).toString());
        assertEquals("@lab commit", Report.of("commit", Map.of()).toString());
    }

    @Test
    void theParentReadsBackWhatTheChildWrote() {
        Report written = Report.of("committed", Map.of("started", 1718000000000L, "done", 1718000000250L, "reason", "EVERY_N"));
        Report read = Report.parse(written + "\n").get(0);
        assertEquals(written, read, "the round trip keeps the event and every field");
        assertEquals(1718000000250L, read.number("done"));
        assertEquals("EVERY_N", read.text("reason"));
    }

    @Test
    void valuesWithSpacesQuotesBackslashesAndLineBreaksSurviveTheRoundTrip() {
        String awkward = "coordinator unavailable: \"node 2\" at C:\\kafka\nand a second line";
        Report written = Report.of("lost", Map.of("cause", awkward, "empty", ""));
        String line = written.toString();
        assertEquals(1, line.lines().count(), "a report stays on one line: " + line);
        assertEquals(awkward, Report.parse(line + "\n").get(0).text("cause"));
        assertEquals("", Report.parse(line + "\n").get(0).text("empty"));
    }

    @Test
    void linesThatAreNotReportsAreIgnored() {
        String output = """
                12:00:01.250 INFO AbstractCoordinator - [Consumer clientId=c, groupId=g] Discovered group coordinator x
                position 0 110
                @lab commit
                a human's line that mentions @lab commit in the middle
                @lab position offset=110 partition=0
                """;
        List<Report> reports = Report.parse(output);
        assertEquals(List.of(Report.of("commit", Map.of()), Report.of("position", Map.of("partition", 0, "offset", 110))), reports);
        assertEquals(1, Report.events(output, "position").size(), "events() keeps one event's reports");
    }

    @Test
    void aLastLineWithoutItsLineBreakIsStillBeingWrittenAndNotReadYet() {
        assertEquals(List.of(Report.of("commit", Map.of())), Report.parse("@lab commit\n@lab committed total=1"));
    }

    @Test
    void aMalformedReportLineIsRejectedSayingWhy() {
        assertMalformed("@lab", "no event name");
        assertMalformed("@lab ", "no event name");
        assertMalformed("@lab position 0 110", "'0 110' is not name=value");
        assertMalformed("@lab position partition=0 partition=1", "field 'partition' appears twice");
        assertMalformed("@lab lost cause=\"coordinator unavailable", "no closing quote");
        assertMalformed("@lab lost cause=\"a\"b", "runs into what follows");
        assertMalformed("@lab lost cause=", "an empty value is written \"\"");
        assertMalformed("@lab Position offset=1", "'Position' is not an event name");
    }

    @Test
    void aFieldThatIsMissingOrNotANumberIsAnErrorNamingIt() {
        Report report = Report.of("position", Map.of("partition", "zero"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> report.number("offset"));
        assertEquals("the report has no field 'offset': @lab position partition=zero", missing.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class, () -> report.number("partition"));
        assertEquals("field 'partition' is not a whole number: @lab position partition=zero", notANumber.getMessage());
    }

    @Test
    void emitPrintsTheReportOnStandardOutput() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Report.emit("sent", Map.of("records", 50));
        } finally {
            System.setOut(stdout);
        }
        assertEquals(List.of(Report.of("sent", Map.of("records", 50))), Report.parse(printed.toString(StandardCharsets.UTF_8)));
    }

    private static void assertMalformed(String line, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Report.parse(line + "\n"),
                "'" + line + "' is not a report and must not be read as one");
        assertTrue(e.getMessage().contains(why) && e.getMessage().endsWith(": " + line),
                "the message says why (" + why + ") and shows the line: " + e.getMessage());
    }
}

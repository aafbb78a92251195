package io.offsetlab.claims;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.offsetlab.claims.BrowserCheck.Box;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser check's own logic, without a browser: each check catches what it claims to (an
 * external request, an error, a missing section or drawing, overlapping text, a background that
 * ignores the colour scheme) and lets a good page pass. {@link BrowserCheckInChromiumTest} runs
 * the same checks on pages in Chromium.
 */
class BrowserCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ledger LEDGER = new Ledger(List.of(
            new Ledger.Row("1.end", "1", "end", "wrong", "last + 1", "[§1](01-offset-basics/README.md)"),
            new Ledger.Row("4.session", "4", "a crash", "correct", "the session", "[§4](04-poll-interval/README.md)")));

    @Test
    void aRequestForAnythingButAFileOrDataUrlIsAProblem() throws Exception {
        assertEquals("a request for https://fonts.example.com/a.woff2",
                BrowserCheck.problem(request("https://fonts.example.com/a.woff2")), "a font from the network");
        assertNotNull(BrowserCheck.problem(request("http://127.0.0.1:8080/chart.svg")), "anything over http, even local");
        assertNull(BrowserCheck.problem(request("file:///work/target/claims-report.zh-CN.html")), "the page itself");
        assertNull(BrowserCheck.problem(request("data:image/png;base64,AAAA")), "an inline image");
    }

    @Test
    void consoleErrorsExceptionsAndLoggedErrorsAreProblemsButOtherMessagesAreNot() throws Exception {
        assertNotNull(BrowserCheck.problem(event("Runtime.consoleAPICalled", "{\"type\":\"error\",\"args\":[{\"value\":\"x\"}]}")));
        assertNull(BrowserCheck.problem(event("Runtime.consoleAPICalled", "{\"type\":\"log\",\"args\":[]}")), "console.log is fine");
        assertNotNull(BrowserCheck.problem(event("Runtime.exceptionThrown", "{\"exceptionDetails\":{\"text\":\"Uncaught\"}}")));
        assertNotNull(BrowserCheck.problem(event("Log.entryAdded", "{\"entry\":{\"level\":\"error\",\"text\":\"Failed to load\"}}")));
        assertNull(BrowserCheck.problem(event("Log.entryAdded", "{\"entry\":{\"level\":\"warning\",\"text\":\"deprecated\"}}")));
        assertNull(BrowserCheck.problem(event("Page.loadEventFired", "{}")), "an event the check does not judge");
    }

    @Test
    void everyLedgerRowMustHaveItsSectionWithAResultAndADrawingWhereFiguresWereRecorded() throws Exception {
        Set<String> drawn = Set.of("4.session");
        String good = "[{\"id\":\"1.end\",\"result\":\"PROVED\",\"svgs\":0},{\"id\":\"4.session\",\"result\":\"FAILED x\",\"svgs\":1}]";
        assertEquals(List.of(), BrowserCheck.sections(JSON.readTree(good), "p.html", LEDGER, drawn), "a page with every row");

        List<String> missing = BrowserCheck.sections(JSON.readTree("[{\"id\":\"1.end\",\"result\":\"PROVED\",\"svgs\":0}]"),
                "p.html", LEDGER, drawn);
        assertEquals(1, missing.size(), "a missing section: " + missing);
        assertTrue(missing.get(0).contains("expected one per ledger row") && missing.get(0).contains("4.session"), missing.get(0));

        List<String> noResult = BrowserCheck.sections(JSON.readTree(good.replace("\"PROVED\"", "\"\"")), "p.html", LEDGER, drawn);
        assertEquals(List.of("p.html: row 1.end shows no result (PROVED, FAILED or NOT RUN), but ''"), noResult);

        List<String> noDrawing = BrowserCheck.sections(JSON.readTree(good.replace("\"svgs\":1", "\"svgs\":0")), "p.html", LEDGER,
                drawn);
        assertEquals(List.of("p.html: row 4.session recorded figures, but its section shows no drawing"), noDrawing);

        List<String> outOfOrder = BrowserCheck.sections(JSON.readTree("[" + good.substring(good.indexOf("},{") + 2, good.length() - 1)
                + "," + good.substring(1, good.indexOf("},{") + 1) + "]"), "p.html", LEDGER, drawn);
        assertEquals(1, outOfOrder.size(), "rows out of the ledger's order: " + outOfOrder);
    }

    @Test
    void textBoxesOverlappingByMoreThanAPixelAreCaughtUnlessOneIsNestedInTheOther() {
        Box label = new Box(1, Set.of(0), "text \"after SIGKILL: 2910 ms\"", 8, 10, 180, 28);
        Box marker = new Box(2, Set.of(0), "text \"session timeout: 3000 ms\"", 150, 20, 300, 38);
        assertEquals(List.of("text \"after SIGKILL: 2910 ms\" overlaps text \"session timeout: 3000 ms\""),
                BrowserCheck.overlaps(List.of(label, marker)), "two labels of one drawing drawn over each other");

        Box code = new Box(3, Set.of(0, 1), "code \"endOffsets\"", 20, 10, 90, 28);
        assertEquals(List.of(), BrowserCheck.overlaps(List.of(label, code)), "a child's text inside its parent's line is not an overlap");

        Box touching = new Box(4, Set.of(0), "p \"next line\"", 8, 27.5, 180, 45);
        assertEquals(List.of(), BrowserCheck.overlaps(List.of(label, touching)), "lines that touch (half a pixel) do not overlap");

        Box beside = new Box(5, Set.of(0), "p \"beside\"", 181, 10, 300, 28);
        assertEquals(List.of(), BrowserCheck.overlaps(List.of(label, beside)), "boxes side by side do not overlap");
    }

    @Test
    void theBackgroundMustFollowTheColourScheme() {
        assertNull(BrowserCheck.backgroundProblem("light", "rgb(255, 255, 255)"));
        assertNull(BrowserCheck.backgroundProblem("dark", "rgb(20, 23, 27)"));
        assertEquals("in the dark scheme the page's background is light (rgb(255, 255, 255))",
                BrowserCheck.backgroundProblem("dark", "rgb(255, 255, 255)"), "a page that ignores prefers-color-scheme: dark");
        assertNotNull(BrowserCheck.backgroundProblem("light", "rgb(20, 23, 27)"));
        assertNotNull(BrowserCheck.backgroundProblem("light", "transparent"), "no colour at all");
    }

    @Test
    void darkScreenshotsAreNamedApart() {
        assertEquals("claims-report-1280.png", BrowserCheck.screenshotName("claims-report.html", "light", 1280));
        assertEquals("claims-report.zh-CN-dark-400.png", BrowserCheck.screenshotName("claims-report.zh-CN.html", "dark", 400));
    }

    private static JsonNode request(String url) throws Exception {
        return event("Network.requestWillBeSent", JSON.writeValueAsString(java.util.Map.of("request", java.util.Map.of("url", url))));
    }

    private static JsonNode event(String method, String params) throws Exception {
        return JSON.readTree("{\"method\":\"" + method + "\",\"params\":" + params + "}");
    }
}

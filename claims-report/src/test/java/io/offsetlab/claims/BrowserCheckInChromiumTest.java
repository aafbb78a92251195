package io.offsetlab.claims;

import io.offsetlab.claims.ClaimsReport.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser check in headless Chromium, on two small pages: one the report writes, which
 * passes, and one made to break each check, which fails each. Skipped when
 * {@code /usr/bin/chromium} is not installed (Debian's chromium package); about 8 s with it,
 * on one browser.
 */
class BrowserCheckInChromiumTest {

    private static DevTools chromium;

    @BeforeAll
    static void startChromium() throws Exception {
        assumeTrue(Files.isExecutable(BrowserCheck.CHROMIUM), BrowserCheck.CHROMIUM + " is not installed (Debian: apt-get install chromium)");
        chromium = DevTools.start(BrowserCheck.CHROMIUM);
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static final Ledger LEDGER = new Ledger(List.of(
            new Ledger.Row("1.end", "1", "End offset = \"the newest\"", "wrong", "last + 1, `endOffsets`", "[§1](01-offset-basics/README.md)"),
            new Ledger.Row("4.session", "4", "a crash", "correct", "until the session times out", "[§4](04-poll-interval/README.md)")));
    private static final Figure HANDOVER = Figure.decode(io.offsetlab.lab.Figure.bars("handover (classic)", "ms")
            .value("after SIGKILL", 2910).value("after close()", 466).marker("session timeout", 3000).marker("heartbeat every", 500)
            .encode());

    /** Text drawn over other text, a font from the network, one of two rows, and no dark colours. */
    private static final String BROKEN = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>broken</title>
            <style>body { background: #ffffff; color: #000000; } .over { position: absolute; top: 10px; left: 10px; }</style>
            <link rel="stylesheet" href="http://127.0.0.1:9/font.css"></head><body>
            <p class="over">a label drawn here</p><p class="over">and another on top of it</p>
            <section data-claim="1.end"><span class="result">PROVED</span></section>
            </body></html>
            """;

    @Test
    void aPageTheReportWritesPassesInTheLightAndDarkSchemeAndLeavesItsScreenshots(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("claims-report.html");
        Files.writeString(page, Page.render(Page.Language.EN, LEDGER, LEDGER, Map.of(
                "4.session", List.of(new Outcome("4.session", "PROVED", "SessionTimeoutIT.handover", HANDOVER.sentence(), List.of(HANDOVER))),
                "1.end", List.of(new Outcome("1.end", "FAILED", "OffsetBasicsIT.end", "expected 5 but was 4", List.of())))));

        List<String> problems = BrowserCheck.check(chromium, page, LEDGER, Set.of("4.session"));

        assertEquals(List.of(), problems, "the report's own page, with a drawing and a FAILED row, reads right");
        for (String shot : List.of("claims-report-1280.png", "claims-report-400.png", "claims-report-dark-1280.png",
                "claims-report-dark-400.png")) {
            assertTrue(Files.size(dir.resolve(shot)) > 1000, "a screenshot " + shot);
        }
    }

    @Test
    void aBrokenPageFailsEachCheck(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("broken.html");
        Files.writeString(page, BROKEN);

        List<String> problems = BrowserCheck.check(chromium, page, LEDGER, Set.of("1.end"));

        String all = String.join("\n", problems);
        assertTrue(all.contains("a request for http://127.0.0.1:9/font.css"), "the request to the network:\n" + all);
        assertTrue(all.contains("expected one per ledger row"), "the missing row 4.session:\n" + all);
        assertTrue(all.contains("row 1.end recorded figures, but its section shows no drawing"), "the missing drawing:\n" + all);
        assertTrue(all.contains("(light) at 1280 px: p \"a label drawn here\" overlaps p \"and another on top of it\""),
                "the overlapping text:\n" + all);
        assertTrue(all.contains("(dark) at 400 px: in the dark scheme the page's background is light"),
                "a page with no dark colours:\n" + all);
    }
}

package io.offsetlab.claims;

import io.offsetlab.claims.ClaimsReport.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The claims report page: what it shows for each ledger row, and that it is self-contained and escaped (no browser). */
class PageTest {

    private static final Ledger LEDGER = new Ledger(List.of(
            new Ledger.Row("1.end", "1", "End offset = \"the newest\" <b> & 'x'", "wrong", "last + 1, `endOffsets`",
                    "[§1](01-offset-basics/README.md#claims)"),
            new Ledger.Row("2.none", "2", "none: throw", "imprecise", "two exceptions", "[§2](https://example.com/x)"),
            new Ledger.Row("3.manual", "3", "only a commit moves it", "correct", "close() commits nothing", "[§3](03-manual-commit/README.md)"),
            new Ledger.Row("4.session", "4", "a crash", "**correct**", "until the session times out", "[§4](04-poll-interval/README.md)")));
    private static final Figure HANDOVER = Figure.decode(io.offsetlab.lab.Figure.bars("handover (classic)", "ms")
            .value("after SIGKILL", 2910).value("after close()", 466).marker("session timeout", 3000).encode());
    private static final Map<String, List<Outcome>> OUTCOMES = Map.of(
            "3.manual", List.of(new Outcome("3.manual", "PROVED", "ManualCommitIT.closeCommitsNothing", "", List.of())),
            "1.end", List.of(new Outcome("1.end", "PROVED", "OffsetIT.end<script>alert(\"&\")</script>", "end 5", List.of())),
            "4.session", List.of(new Outcome("4.session", "PROVED", "SessionTimeoutIT.handover", HANDOVER.sentence(),
                    List.of(HANDOVER))));

    private static String page(Page.Language lang) {
        return Page.render(lang, LEDGER, LEDGER, OUTCOMES);
    }

    @Test
    void everyLedgerRowGetsASectionWithItsResultInWords() {
        for (Page.Language lang : Page.Language.values()) {
            String html = page(lang);
            for (String id : LEDGER.ids()) {
                assertEquals(1, count(html, "<section id=\"claim-" + id + "\""), lang + ": one section for " + id);
            }
            assertTrue(html.contains(lang.resultWords(Page.Result.NOT_RUN)), lang + ": a row no test ran says NOT RUN");
            assertTrue(html.contains(lang.word("no-test")), lang + ": and why: no test of this run claims it");
        }
    }

    @Test
    void aRowWithFiguresDrawsThemWithATitleAndItsSentenceAsCaption() {
        String html = page(Page.Language.EN);
        String session = html.substring(html.indexOf("<section id=\"claim-4.session\""));
        assertTrue(session.contains("<svg") && session.contains("role=\"img\"") && session.contains("<title>handover (classic)</title>"),
                "the handover figure is drawn, titled for screen readers");
        assertTrue(session.contains("<figcaption>" + Page.escape(HANDOVER.sentence()) + "</figcaption>"), "captioned with its sentence");
        assertTrue(session.contains("after SIGKILL: 2910 ms") && session.contains("session timeout: 3000 ms"),
                "every drawn number is also in words");
        String end = html.substring(html.indexOf("<section id=\"claim-1.end\""), html.indexOf("<section id=\"claim-2.none\""));
        assertFalse(end.contains("<svg"), "a row with a sentence only draws nothing");
        assertTrue(end.contains("end 5"), "but shows the sentence");
        String none = html.substring(html.indexOf("<section id=\"claim-2.none\""), html.indexOf("<section id=\"claim-3.manual\""));
        assertTrue(none.contains(Page.Language.EN.word("no-figure-none-passed")), "a row no test passed says why it has no figure");
        String manual = html.substring(html.indexOf("<section id=\"claim-3.manual\""), html.indexOf("<section id=\"claim-4.session\""));
        assertTrue(manual.contains(Page.Language.EN.word("no-figure")), "a proved row whose tests recorded no numbers says so");
    }

    @Test
    void textFromTheLedgerAndTheTestsIsEscaped() {
        String html = page(Page.Language.EN);
        assertTrue(html.contains("End offset = &quot;the newest&quot; &lt;b&gt; &amp; &#39;x&#39;"), "the claim, escaped");
        assertTrue(html.contains("OffsetIT.end&lt;script&gt;alert(&quot;&amp;&quot;)&lt;/script&gt;"), "the test name, escaped");
        assertTrue(html.contains("last + 1, <code>endOffsets</code>"), "Markdown code in a ledger cell becomes <code>");
        assertTrue(html.contains("<span class=\"badge verdict-correct\">correct</span>"), "the verdict in words, its Markdown bold dropped");
    }

    @Test
    void thePageHasNoScriptAndNothingExternal() {
        for (Page.Language lang : Page.Language.values()) {
            String html = page(lang);
            assertFalse(html.toLowerCase().contains("<script"), lang + ": no script");
            assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                    lang + ": no src or href to anything outside the repository");
            assertFalse(html.contains("example.com"), lang + ": a ledger link to another site is shown as its text only");
            assertTrue(html.contains("href=\"../01-offset-basics/README.md#claims\""), lang + ": a chapter link, relative to target/");
            assertTrue(html.contains("href=\"" + lang.other().file + "\""), lang + ": links the page in the other language");
        }
    }

    /**
     * A FAILED row reaches the page when the build goes on after a failing test
     * ({@code -Dmaven.test.failure.ignore=true}, see CONTRIBUTING): its badge and the failing
     * test's message, and no drawing from that test.
     */
    @Test
    void aFailedRowShowsFailedWithTheFailingTestsMessageAndDrawsNothingItRecorded() {
        Map<String, List<Outcome>> failed = Map.of("4.session", List.of(
                new Outcome("4.session", "PROVED", "SessionTimeoutIT.handover[classic]", HANDOVER.sentence(), List.of(HANDOVER)),
                new Outcome("4.session", "FAILED", "SessionTimeoutIT.handover[consumer]", "expected at most 9500 but was 12001",
                        List.of(Figure.decode(io.offsetlab.lab.Figure.bars("handover (consumer)", "ms").value("after SIGKILL", 12001)
                                .encode())))));
        for (Page.Language lang : Page.Language.values()) {
            String html = Page.render(lang, LEDGER, LEDGER, failed);
            String session = html.substring(html.indexOf("<section id=\"claim-4.session\""));
            assertTrue(session.contains("<span class=\"badge result result-failed\">" + lang.resultWords(Page.Result.FAILED) + "</span>"),
                    lang + ": the FAILED badge, in words");
            assertTrue(session.contains("<span class=\"reason\">expected at most 9500 but was 12001</span>"), lang + ": and why");
            assertTrue(html.contains(String.format(lang.word("counts"), 4, 0, 1, 3)), lang + ": counted as FAILED at the top");
            assertFalse(session.contains("handover (consumer)"), lang + ": nothing drawn from the failing test");
        }
    }

    /** Each invocation of a parameterized test records its policy's bars under the scenario's title: one drawing. */
    @Test
    void figuresOfOnePictureFromSeveralTestsAreDrawnAsOne() {
        Map<String, List<Outcome>> perPolicy = Map.of("2.none", List.of(
                scenario("[1] earliest", "earliest: read, from offset 0", 5),
                scenario("[2] latest", "latest: read, from offset 5", 0),
                new Outcome("2.none", "PROVED", "other", "", List.of(Figure.decode(io.offsetlab.lab.Figure.bars("another", "records")
                        .value("x", 1).encode())))));
        String html = Page.render(Page.Language.EN, LEDGER, LEDGER, perPolicy);
        String none = html.substring(html.indexOf("<section id=\"claim-2.none\""), html.indexOf("<section id=\"claim-3.manual\""));
        assertEquals(2, count(none, "<svg"), "the scenario once, and the other figure: " + none);
        assertEquals(1, count(none, "<title>committed 100 &gt; end 5: read</title>"), "one drawing of the scenario");
        assertTrue(none.contains("earliest: read, from offset 0: 5 records") && none.contains("latest: read, from offset 5: 0 records"),
                "with both policies' bars");
        assertTrue(none.contains("<figcaption>committed 100 &gt; end 5: read: earliest: read, from offset 0 5 records; "
                + "latest: read, from offset 5 0 records</figcaption>"), "and both sentences' numbers after one title: " + none);
    }

    private static Outcome scenario(String test, String label, int read) {
        io.offsetlab.lab.Figure bars = io.offsetlab.lab.Figure.bars("committed 100 > end 5: read", "records").value(label, read);
        return new Outcome("2.none", "PROVED", "AutoOffsetResetIT.beyondEnd" + test, bars.sentence(), List.of(Figure.decode(bars.encode())));
    }

    @Test
    void longLabelsWrapWithinTheDrawing() {
        List<String> lines = Svg.wrap("commit stall, from the kill to the first commit answered after it: 12999 ms", 30);
        assertTrue(lines.size() > 1 && lines.stream().allMatch(l -> l.length() <= 30), "wrapped at 30 columns: " + lines);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}

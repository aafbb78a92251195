package io.offsetlab.claims;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens the claims report's pages in headless Chromium and checks what a reader sees: the page
 * loads with no console error or exception and fetches nothing (no request but file: and
 * data:); every ledger row has its section with a result; every row whose tests recorded
 * figures shows a drawing; at 1280 and at 400 px wide no text box overlaps another and nothing
 * is wider than the window. Saves full-page screenshots beside the pages
 * (target/claims-report-1280.png, -400.png; the Chinese page's as claims-report.zh-CN-*.png).
 *
 * <p>Runs after {@link ClaimsReport} in the build. Without {@code /usr/bin/chromium} it says so in
 * one line and passes, unless the second argument is {@code required}
 * ({@code -Dclaims.browser=required}) or the build runs in CI (the environment variable
 * {@code CI=true}, as CI services set it).
 */
public final class BrowserCheck {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int[] WIDTHS = {1280, 400};

    /** Text boxes, pairwise: own text of elements and svg text, overlapping by more than a pixel, not ancestor and descendant. */
    private static final String OVERLAPS = """
            (() => {
              const boxes = [];
              const own = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== '');
              for (const el of document.body.querySelectorAll('*')) {
                if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY' && !el.closest('summary')) continue;
                if (el instanceof SVGElement) {
                  if (el.tagName === 'text') { const r = el.getBoundingClientRect(); boxes.push([el, r]); }
                  continue;
                }
                if (!own(el)) continue;
                for (const n of el.childNodes) {
                  if (n.nodeType !== 3 || n.textContent.trim() === '') continue;
                  const range = document.createRange(); range.selectNodeContents(n);
                  for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push([el, r]);
                }
              }
              const hits = [];
              const name = el => el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const [a, ra] = boxes[i], [b, rb] = boxes[j];
                if (a === b || a.contains(b) || b.contains(a)) continue;
                const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
                const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
                if (w > 1 && h > 1) hits.push(name(a) + ' overlaps ' + name(b));
              }
              return {boxes: boxes.length, hits: hits.slice(0, 20),
                      scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
                      height: document.documentElement.scrollHeight};
            })()""";

    private static final String SECTIONS = """
            Array.from(document.querySelectorAll('section[data-claim]')).map(s => ({
              id: s.dataset.claim,
              result: (s.querySelector('.result') || {textContent: ''}).textContent.trim(),
              svgs: s.querySelectorAll('svg[role=img] > title').length}))""";

    private BrowserCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean required = args.length > 1 && args[1].equals("required") || "true".equals(System.getenv("CI"));
        if (!Files.isExecutable(CHROMIUM)) {
            String why = CHROMIUM + " is not installed (Debian: apt-get install chromium)";
            if (required) {
                throw new IllegalStateException("Browser check required (-Dclaims.browser=required or CI=true), but " + why);
            }
            System.out.println("Claims report browser check skipped: " + why + "; -Dclaims.browser=required makes this an error.");
            return;
        }
        long started = System.nanoTime();
        Ledger ledger = Ledger.read(root.resolve("README.md"));
        Set<String> drawn = new TreeSet<>();
        ClaimsReport.outcomes(root).forEach((id, outcomes) -> {
            if (outcomes.stream().anyMatch(o -> o.result().equals("PROVED") && !o.figures().isEmpty())) {
                drawn.add(id);
            }
        });
        List<String> problems = new ArrayList<>();
        Path target = root.resolve("target");
        try (DevTools chromium = DevTools.start(CHROMIUM)) {
            for (Page.Language lang : Page.Language.values()) {
                problems.addAll(check(chromium, target.resolve(lang.file), ledger, drawn));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the claims report page does not read right in Chromium:\n  "
                    + String.join("\n  ", problems));
        }
        System.out.printf("Claims report browser check: both pages load in Chromium with no error and no request, %d rows each, "
                + "drawings in the %d rows that recorded figures, no overlapping text at 1280 and 400 px (%.1f s); "
                + "screenshots: %s%n", ledger.rows().size(), drawn.size(), (System.nanoTime() - started) / 1e9,
                target.resolve("claims-report-1280.png"));
    }

    private static List<String> check(DevTools chromium, Path page, Ledger ledger, Set<String> drawn) throws Exception {
        List<String> problems = new ArrayList<>();
        String name = page.getFileName().toString();
        int from = chromium.events.size();
        chromium.call("Page.navigate", Map.of("url", page.toUri().toString()));
        chromium.await(from, e -> e.path("method").asText().equals("Page.loadEventFired"), "load of " + name);
        for (JsonNode event : chromium.events.subList(from, chromium.events.size())) {
            String problem = problem(event);
            if (problem != null) {
                problems.add(name + ": " + problem);
            }
        }
        problems.addAll(sections(chromium.evaluate(SECTIONS), name, ledger, drawn));
        for (int width : WIDTHS) {
            chromium.call("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", 900, "deviceScaleFactor", 1, "mobile", false));
            JsonNode layout = chromium.evaluate(OVERLAPS);
            layout.get("hits").forEach(hit -> problems.add(name + " at " + width + " px: " + hit.asText()));
            if (layout.get("scrollWidth").asInt() > layout.get("width").asInt()) {
                problems.add(name + " at " + width + " px: the page is " + layout.get("scrollWidth").asInt()
                        + " px wide, wider than the window");
            }
            screenshot(chromium, page.resolveSibling(name.replace(".html", "") + "-" + width + ".png"), width,
                    layout.get("height").asInt());
        }
        return problems;
    }

    /** A console error, an uncaught exception, an error in Chromium's log, or a request for anything but a file: or data: URL. */
    static String problem(JsonNode event) {
        JsonNode params = event.path("params");
        return switch (event.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> params.path("type").asText().equals("error") ? "console error: " + params.path("args") : null;
            case "Runtime.exceptionThrown" -> "exception: " + params.path("exceptionDetails").path("text").asText();
            case "Log.entryAdded" -> params.path("entry").path("level").asText().equals("error")
                    ? "error: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText() : null;
            case "Network.requestWillBeSent" -> {
                String url = params.path("request").path("url").asText();
                yield url.startsWith("file:") || url.startsWith("data:") ? null : "a request for " + url;
            }
            default -> null;
        };
    }

    private static List<String> sections(JsonNode sections, String name, Ledger ledger, Set<String> drawn) {
        List<String> problems = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode section : sections) {
            String id = section.get("id").asText();
            ids.add(id);
            String result = section.get("result").asText();
            if (!result.startsWith("PROVED") && !result.startsWith("FAILED") && !result.startsWith("NOT RUN")) {
                problems.add(name + ": row " + id + " shows no result (PROVED, FAILED or NOT RUN), but '" + result + "'");
            }
            if (drawn.contains(id) && section.get("svgs").asInt() == 0) {
                problems.add(name + ": row " + id + " recorded figures, but its section shows no drawing");
            }
        }
        if (!ids.equals(ledger.ids())) {
            problems.add(name + ": sections " + ids + ", expected one per ledger row, in order: " + ledger.ids());
        }
        return problems;
    }

    private static void screenshot(DevTools chromium, Path file, int width, int height) throws IOException {
        JsonNode shot = chromium.call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }
}

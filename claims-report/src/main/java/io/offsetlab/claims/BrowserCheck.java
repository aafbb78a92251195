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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens the claims report's pages in headless Chromium and checks what a reader sees: the page
 * loads with no console error or exception and fetches nothing (no request but file: and
 * data:); every ledger row has its section with a result; every row whose tests recorded
 * figures shows a drawing; in the light and the dark colour scheme (prefers-color-scheme,
 * emulated), at 1280 and at 400 px wide, no text box overlaps another, nothing is wider than the
 * window and the background follows the scheme. Saves full-page screenshots beside the pages
 * (target/claims-report-1280.png, -400.png, and in the dark scheme claims-report-dark-1280.png,
 * -dark-400.png; the Chinese page's as claims-report.zh-CN-*.png).
 *
 * <p>Runs after {@link ClaimsReport} in the build. Without {@code /usr/bin/chromium} it says so in
 * one line and passes, unless the second argument is {@code required}
 * ({@code -Dclaims.browser=required}) or the build runs in CI (the environment variable
 * {@code CI=true}, as CI services set it).
 */
public final class BrowserCheck {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int[] WIDTHS = {1280, 400};
    /** The colour schemes the page is checked in (prefers-color-scheme), light first. */
    private static final List<String> SCHEMES = List.of("light", "dark");

    /**
     * Every text box on the page: each element's own text (its text nodes' line boxes) and each
     * svg text, skipping what a closed details element hides. Each box comes with its element's
     * number in document order and the numbers of that element's ancestors, so that
     * {@link #overlaps} can leave out a box that contains another by nesting, not by layout.
     */
    private static final String BOXES = """
            (() => {
              const all = Array.from(document.body.querySelectorAll('*'));
              const index = new Map(all.map((el, i) => [el, i]));
              const ancestors = el => {
                const a = [];
                for (let p = el.parentElement; p && index.has(p); p = p.parentElement) a.push(index.get(p));
                return a;
              };
              const name = el => el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
              const boxes = [];
              const add = (el, r) => boxes.push({el: index.get(el), up: ancestors(el), name: name(el),
                                                 left: r.left, top: r.top, right: r.right, bottom: r.bottom});
              for (const el of all) {
                if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY' && !el.closest('summary')) continue;
                if (el instanceof SVGElement) {
                  if (el.tagName === 'text') add(el, el.getBoundingClientRect());
                  continue;
                }
                for (const n of el.childNodes) {
                  if (n.nodeType !== 3 || n.textContent.trim() === '') continue;
                  const range = document.createRange(); range.selectNodeContents(n);
                  for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) add(el, r);
                }
              }
              return {boxes: boxes, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
                      height: document.documentElement.scrollHeight,
                      background: getComputedStyle(document.body).backgroundColor};
            })()""";

    /** A text box on the page: its element (by number), that element's ancestors, a name to report it by, and where it is. */
    record Box(int element, Set<Integer> ancestors, String name, double left, double top, double right, double bottom) {

        static Box of(JsonNode box) {
            Set<Integer> up = new TreeSet<>();
            box.get("up").forEach(a -> up.add(a.asInt()));
            return new Box(box.get("el").asInt(), up, box.get("name").asText(), box.get("left").asDouble(),
                    box.get("top").asDouble(), box.get("right").asDouble(), box.get("bottom").asDouble());
        }

        /** One box inside the other by nesting (the same element, or an ancestor's text around a child's). */
        boolean nested(Box other) {
            return element == other.element || ancestors.contains(other.element) || other.ancestors.contains(element);
        }
    }

    /** Pairs of boxes that overlap by more than a pixel each way, not nested; the first 20, in words. */
    static List<String> overlaps(List<Box> boxes) {
        List<String> hits = new ArrayList<>();
        for (int i = 0; i < boxes.size() && hits.size() < 20; i++) {
            for (int j = i + 1; j < boxes.size() && hits.size() < 20; j++) {
                Box a = boxes.get(i);
                Box b = boxes.get(j);
                double width = Math.min(a.right(), b.right()) - Math.max(a.left(), b.left());
                double height = Math.min(a.bottom(), b.bottom()) - Math.max(a.top(), b.top());
                if (width > 1 && height > 1 && !a.nested(b)) {
                    hits.add(a.name() + " overlaps " + b.name());
                }
            }
        }
        return hits;
    }

    /**
     * The page's background in a colour scheme, as getComputedStyle gives it ("rgb(20, 23, 27)"):
     * light under "light", dark under "dark", or the page does not follow the reader's scheme.
     */
    static String backgroundProblem(String scheme, String background) {
        java.util.regex.Matcher rgb = java.util.regex.Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+)").matcher(background);
        if (!rgb.lookingAt()) {
            return "in the " + scheme + " scheme the page's background is '" + background + "', not a colour";
        }
        double luminance = (0.2126 * Integer.parseInt(rgb.group(1)) + 0.7152 * Integer.parseInt(rgb.group(2))
                + 0.0722 * Integer.parseInt(rgb.group(3))) / 255;
        boolean dark = luminance < 0.5;
        if (dark != scheme.equals("dark")) {
            return "in the " + scheme + " scheme the page's background is " + (dark ? "dark" : "light") + " (" + background + ")";
        }
        return null;
    }

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
        Path target = root.resolve("target");
        List<String> problems = checkEachPageInItsOwnChromium(target, ledger, drawn);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the claims report page does not read right in Chromium:\n  "
                    + String.join("\n  ", problems));
        }
        System.out.printf("Claims report browser check: both pages load in Chromium with no error and no request, %d rows each, "
                + "drawings in the %d rows that recorded figures, no overlapping text at 1280 and 400 px, light and dark "
                + "(%.1f s); screenshots: %s, %s%n", ledger.rows().size(), drawn.size(), (System.nanoTime() - started) / 1e9,
                target.resolve("claims-report-1280.png"), target.resolve("claims-report-dark-1280.png"));
    }

    /**
     * The pages side by side, each in a Chromium of its own: this check runs last in the build,
     * when nothing else needs the machine's cores. One page after the other took 11.9 s, side by
     * side 8.5 s (this 2-core machine, 2026-12-05). A check that fails to run (Chromium does not
     * start, a page does not load) is one more problem, named with its page: the other page's
     * problems are still reported.
     */
    private static List<String> checkEachPageInItsOwnChromium(Path target, Ledger ledger, Set<String> drawn)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Page.Language.values().length);
        try {
            List<Callable<List<String>>> checks = new ArrayList<>();
            for (Page.Language lang : Page.Language.values()) {
                checks.add(() -> {
                    try (DevTools chromium = DevTools.start(CHROMIUM)) {
                        return check(chromium, target.resolve(lang.file), ledger, drawn);
                    }
                });
            }
            List<String> problems = new ArrayList<>();
            List<Future<List<String>>> pages = pool.invokeAll(checks);
            for (int i = 0; i < pages.size(); i++) {
                try {
                    problems.addAll(pages.get(i).get());
                } catch (ExecutionException e) {
                    problems.add(Page.Language.values()[i].file + ": the check could not run: " + e.getCause());
                }
            }
            return problems;
        } finally {
            pool.shutdown();
        }
    }

    static List<String> check(DevTools chromium, Path page, Ledger ledger, Set<String> drawn) throws Exception {
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
        for (String scheme : SCHEMES) {
            // The reader's colour scheme, as the page's @media (prefers-color-scheme) sees it.
            chromium.call("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            for (int width : WIDTHS) {
                String where = name + " (" + scheme + ") at " + width + " px: ";
                chromium.call("Emulation.setDeviceMetricsOverride",
                        Map.of("width", width, "height", 900, "deviceScaleFactor", 1, "mobile", false));
                JsonNode layout = chromium.evaluate(BOXES);
                List<Box> boxes = new ArrayList<>();
                layout.get("boxes").forEach(box -> boxes.add(Box.of(box)));
                overlaps(boxes).forEach(hit -> problems.add(where + hit));
                if (layout.get("scrollWidth").asInt() > layout.get("width").asInt()) {
                    problems.add(where + "the page is " + layout.get("scrollWidth").asInt() + " px wide, wider than the window");
                }
                String background = backgroundProblem(scheme, layout.get("background").asText());
                if (background != null) {
                    problems.add(where + background);
                }
                Path shot = page.resolveSibling(screenshotName(name, scheme, width));
                screenshot(chromium, shot, width, layout.get("height").asInt());
            }
        }
        return problems;
    }

    /** claims-report-1280.png for the light scheme, claims-report-dark-1280.png for the dark one. */
    static String screenshotName(String page, String scheme, int width) {
        return page.replace(".html", "") + (scheme.equals("light") ? "" : "-" + scheme) + "-" + width + ".png";
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

    static List<String> sections(JsonNode sections, String name, Ledger ledger, Set<String> drawn) {
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
        // optimizeForSpeed: a faster, lighter PNG compression. The eight full-page screenshots were
        // most of this check's time: 17.1 s before, 11.9 s with it; the files grew from 5.6 to 6.9 MB
        // (claims-report-1280.png; this 2-core machine, 2026-12-05).
        JsonNode shot = chromium.call("Page.captureScreenshot", Map.of("format", "png", "optimizeForSpeed", true,
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }
}

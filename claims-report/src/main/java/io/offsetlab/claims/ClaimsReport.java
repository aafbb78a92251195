package io.offsetlab.claims;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes {@code target/claims-report.md} at the root after {@code mvn verify}: one row per
 * claims-ledger row, with the tests that claim it (lab's {@code @Claim}), its result in this
 * run and the figures those tests measured; and the same as a page that draws the figures,
 * {@code target/claims-report.html} and, with the Chinese ledger of README.zh-CN.md,
 * {@code target/claims-report.zh-CN.html} ({@link Page}). The outcomes come from each module's
 * {@code target/claims/*.tsv}, written by lab's {@code ClaimsRecorder}: id, result, test, the
 * figures' sentences or the reason, and (when the test recorded any) the encoded figures.
 *
 * <p>A row is PROVED when at least one of its tests passed and none failed, FAILED when one
 * failed, NOT RUN when none ran (skipped, with the reason, or not part of this build).
 *
 * <p>A failing test stops {@code mvn verify} before this module, so a FAILED row reaches the
 * page only when the build goes on after failures ({@code -Dmaven.test.failure.ignore=true}).
 * Then the build's last step, {@code ClaimsReport ROOT verdict} (after the page and its browser
 * check), fails it all the same: with the FAILED rows and every module whose test reports
 * count failures, so that ignoring failures to see the page never turns a red build green.
 */
public final class ClaimsReport {

    /** One test's outcome for one claim id, as recorded, with the figures it recorded to draw. */
    record Outcome(String id, String result, String test, String detail, List<Figure> figures) {
    }

    private ClaimsReport() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        if (args.length > 1 && args[1].equals("verdict")) {
            verdict(root);
            return;
        }
        Ledger ledger = Ledger.read(root.resolve("README.md"));
        Map<String, List<Outcome>> outcomes = outcomes(root);
        Path report = root.resolve("target").resolve("claims-report.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, render(ledger, outcomes));
        Ledger chinese = Ledger.read(root.resolve("README.zh-CN.md"), Ledger.CHINESE);
        Path page = report.resolveSibling(Page.Language.EN.file);
        Path pageZh = report.resolveSibling(Page.Language.ZH.file);
        Files.writeString(page, Page.render(Page.Language.EN, ledger, ledger, outcomes));
        Files.writeString(pageZh, Page.render(Page.Language.ZH, ledger, chinese, outcomes));
        Map<String, Integer> counts = new LinkedHashMap<>(Map.of("PROVED", 0, "FAILED", 0, "NOT RUN", 0));
        ledger.rows().forEach(row -> counts.merge(result(outcomes.getOrDefault(row.id(), List.of())), 1, Integer::sum));
        System.out.printf("Claims report: %d ledger rows, %d PROVED, %d FAILED, %d NOT RUN: %s%n", ledger.rows().size(),
                counts.get("PROVED"), counts.get("FAILED"), counts.get("NOT RUN"), report);
        System.out.printf("Claims report page (open it in a browser): %s%n  中文: %s%n", page, pageZh);
    }

    /** Fails when a ledger row FAILED or a module's test reports count failures (see the class comment). */
    private static void verdict(Path root) throws IOException {
        Ledger ledger = Ledger.read(root.resolve("README.md"));
        Map<String, List<Outcome>> outcomes = outcomes(root);
        List<String> failed = new ArrayList<>(ledger.ids().stream()
                .filter(id -> result(outcomes.getOrDefault(id, List.of())).equals("FAILED")).map(id -> "row " + id + " FAILED").toList());
        failed.addAll(failedTests(root));
        if (!failed.isEmpty()) {
            throw new IllegalStateException("this build's tests failed (their failures were ignored until the claims report was "
                    + "written; it shows the FAILED rows): " + String.join("; ", failed));
        }
    }

    /**
     * "MODULE: N integration tests failed" per module whose Failsafe summary, and "MODULE: N unit
     * tests failed" per module whose Surefire reports, count failures or errors.
     */
    static List<String> failedTests(Path root) throws IOException {
        List<String> failed = new ArrayList<>();
        List<Path> modules;
        try (Stream<Path> all = Files.list(root)) {
            modules = all.filter(m -> Files.isDirectory(m.resolve("target"))).sorted().toList();
        }
        for (Path module : modules) {
            Path summary = module.resolve("target/failsafe-reports/failsafe-summary.xml");
            if (Files.exists(summary)) {
                String xml = Files.readString(summary);
                int n = count(xml, "<failures>(\\d+)</failures>") + count(xml, "<errors>(\\d+)</errors>");
                if (n > 0) {
                    failed.add(module.getFileName() + ": " + n + " integration tests failed");
                }
            }
            Path unit = module.resolve("target/surefire-reports");
            if (Files.isDirectory(unit)) {
                int n = 0;
                try (Stream<Path> reports = Files.list(unit)) {
                    for (Path report : reports.filter(r -> r.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                        String xml = Files.readString(report);
                        n += count(xml, "<testsuite [^>]*?\\bfailures=\"(\\d+)\"") + count(xml, "<testsuite [^>]*?\\berrors=\"(\\d+)\"");
                    }
                }
                if (n > 0) {
                    failed.add(module.getFileName() + ": " + n + " unit tests failed");
                }
            }
        }
        return failed;
    }

    private static int count(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static Map<String, List<Outcome>> outcomes(Path root) throws IOException {
        Map<String, List<Outcome>> byId = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> modules = Files.list(root)) {
            files = modules.map(module -> module.resolve("target").resolve("claims")).filter(Files::isDirectory)
                    .flatMap(ClaimsReport::tsvFiles).sorted().toList();
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split("\t", -1);
                if (f.length >= 4) {
                    List<Figure> figures = f.length > 4 ? figures(f[4], file) : List.of();
                    byId.computeIfAbsent(f[0], id -> new ArrayList<>()).add(new Outcome(f[0], f[1], f[2], f[3], figures));
                }
            }
        }
        return byId;
    }

    /** The space-separated encoded figures of one line; one that does not decode is left out, and said so. */
    static List<Figure> figures(String field, Path file) {
        List<Figure> figures = new ArrayList<>();
        for (String encoded : field.split(" ")) {
            if (encoded.isEmpty()) {
                continue;
            }
            try {
                figures.add(Figure.decode(encoded));
            } catch (IllegalArgumentException e) {
                System.out.println("Claims report: a figure in " + file + " is not drawn: " + e.getMessage());
            }
        }
        return figures;
    }

    private static Stream<Path> tsvFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".tsv")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String result(List<Outcome> outcomes) {
        if (outcomes.stream().anyMatch(o -> o.result().equals("FAILED"))) {
            return "FAILED";
        }
        return outcomes.stream().anyMatch(o -> o.result().equals("PROVED")) ? "PROVED" : "NOT RUN";
    }

    static String render(Ledger ledger, Map<String, List<Outcome>> outcomes) {
        StringBuilder out = new StringBuilder("# Claims report\n\n");
        out.append("Every row of the claims ledger (README.md), with what this run of `mvn verify` showed. ")
                .append("PROVED: at least one of its tests passed and none failed; FAILED: one failed; ")
                .append("NOT RUN: none ran (the reason is given).\n\n");
        out.append("| id | § | article claim | verdict | result | tests | figures this run |\n|---|---|---|---|---|---|---|\n");
        for (Ledger.Row row : ledger.rows()) {
            List<Outcome> mine = outcomes.getOrDefault(row.id(), List.of());
            out.append("| `").append(row.id()).append("` | ").append(row.section()).append(" | ").append(row.claim())
                    .append(" | ").append(row.verdict()).append(" | **").append(result(mine)).append("** | ")
                    .append(tests(mine)).append(" | ").append(figures(mine)).append(" |\n");
        }
        return out.toString();
    }

    /** Each test once, with its outcome when it did not pass. */
    private static String tests(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return "no test of this run claims it";
        }
        List<String> tests = new ArrayList<>();
        for (Outcome o : outcomes) {
            String text = "`" + o.test() + "`" + (o.result().equals("PROVED") ? "" : " " + o.result()
                    + (o.detail().isEmpty() ? "" : ": " + escape(o.detail())));
            if (!tests.contains(text)) {
                tests.add(text);
            }
        }
        return String.join("<br>", tests);
    }

    private static String figures(List<Outcome> outcomes) {
        return String.join("<br>", outcomes.stream().filter(o -> o.result().equals("PROVED") && !o.detail().isEmpty())
                .map(o -> escape(o.detail())).distinct().toList());
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}

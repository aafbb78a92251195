package io.offsetlab.claims;

import io.offsetlab.claims.ClaimsReport.Outcome;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The claims report as one self-contained HTML page (inline CSS and SVG, no script, nothing
 * fetched): a section per ledger row with the article's claim, the verdict, the precise truth,
 * this run's result, its tests and the figures they measured, drawn. In English or Chinese
 * ({@link Language}); the ledger text comes from the README of that language, the figures'
 * words are the tests' own (English).
 */
final class Page {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern STRONG = Pattern.compile("\\*\\*([^*]+)\\*\\*");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)");

    private Page() {
    }

    /**
     * @param english the root README's ledger: ids, and the verdict words that pick a badge's style
     * @param ledger  the ledger of the page's language, the same rows in the same order
     */
    static String render(Language lang, Ledger english, Ledger ledger, Map<String, List<Outcome>> outcomes) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(lang.code).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(lang.word("title"))).append("</title>\n<style>").append(Style.CSS).append("</style>\n")
                .append("</head>\n<body>\n<header>\n<p class=\"switch\"><a href=\"").append(lang.other().file)
                .append("\" hreflang=\"").append(lang.other().code).append("\">").append(lang.word("other")).append("</a></p>\n")
                .append("<h1>").append(escape(lang.word("title"))).append("</h1>\n<p>").append(lang.word("intro")).append("</p>\n");
        int[] counts = new int[3];
        for (Ledger.Row row : english.rows()) {
            counts[Result.of(outcomes.getOrDefault(row.id(), List.of())).ordinal()]++;
        }
        html.append("<p class=\"counts\">").append(String.format(lang.word("counts"), english.rows().size(), counts[0], counts[1], counts[2]))
                .append("</p>\n</header>\n<main>\n");
        for (int i = 0; i < english.rows().size(); i++) {
            Ledger.Row row = english.rows().get(i);
            Ledger.Row text = i < ledger.rows().size() && ledger.rows().get(i).id().equals(row.id()) ? ledger.rows().get(i) : row;
            html.append(section(lang, row, text, outcomes.getOrDefault(row.id(), List.of())));
        }
        return html.append("</main>\n</body>\n</html>\n").toString();
    }

    private static String section(Language lang, Ledger.Row row, Ledger.Row text, List<Outcome> outcomes) {
        Result result = Result.of(outcomes);
        StringBuilder s = new StringBuilder("<section id=\"claim-").append(escape(row.id())).append("\" data-claim=\"")
                .append(escape(row.id())).append("\">\n<h2><code>").append(escape(row.id())).append("</code> <span class=\"sec\">§")
                .append(escape(row.section())).append("</span> ").append(inline(text.claim())).append("</h2>\n<dl>\n")
                .append("<dt>").append(lang.word("verdict")).append("</dt><dd><span class=\"badge verdict-").append(verdictStyle(row.verdict()))
                .append("\">").append(escape(plain(text.verdict()))).append("</span></dd>\n")
                .append("<dt>").append(lang.word("truth")).append("</dt><dd>").append(inline(text.truth())).append("</dd>\n")
                .append("<dt>").append(lang.word("result")).append("</dt><dd><span class=\"badge result result-")
                .append(result.style).append("\">").append(lang.resultWords(result)).append("</span>")
                .append(reason(lang, result, outcomes)).append("</dd>\n")
                .append("<dt>").append(lang.word("chapter")).append("</dt><dd>").append(inline(text.proof())).append("</dd>\n</dl>\n");
        s.append(tests(lang, outcomes)).append(figures(lang, outcomes));
        return s.append("</section>\n").toString();
    }

    /** Why a row is not PROVED: the failing or skipped tests' first lines. */
    private static String reason(Language lang, Result result, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return " <span class=\"reason\">" + lang.word("no-test") + "</span>";
        }
        if (result == Result.PROVED) {
            return "";
        }
        Set<String> reasons = new LinkedHashSet<>();
        outcomes.stream().filter(o -> o.result().equals(result.word) && !o.detail().isEmpty()).forEach(o -> reasons.add(o.detail()));
        return reasons.isEmpty() ? "" : " <span class=\"reason\">" + escape(String.join("; ", reasons)) + "</span>";
    }

    private static String tests(Language lang, List<Outcome> outcomes) {
        Set<String> items = new LinkedHashSet<>();
        for (Outcome o : outcomes) {
            items.add("<li><code>" + escape(o.test()) + "</code> " + lang.resultWords(Result.valueOf(o.result().replace(' ', '_')))
                    + (o.result().equals("PROVED") || o.detail().isEmpty() ? "" : ": " + escape(o.detail())) + "</li>");
        }
        if (items.isEmpty()) {
            return "";
        }
        return "<details><summary>" + String.format(lang.word("tests"), items.size()) + "</summary>\n<ul>" + String.join("\n", items)
                + "</ul></details>\n";
    }

    /**
     * The figures with those of the same picture ({@link Figure#samePicture}) merged into the
     * first of them: a scenario that each invocation of a parameterized test measured in part
     * is drawn once, with all its bars.
     */
    static List<Figure> onePerPicture(java.util.Collection<Figure> figures) {
        List<Figure> pictures = new java.util.ArrayList<>();
        for (Figure f : figures) {
            int same = -1;
            for (int i = 0; i < pictures.size() && same < 0; i++) {
                same = pictures.get(i).samePicture(f) ? i : -1;
            }
            if (same < 0) {
                pictures.add(f);
            } else {
                pictures.set(same, pictures.get(same).merge(f));
            }
        }
        return pictures;
    }

    /** Each drawn figure once, with its sentence as caption; then what was recorded in words only; or that there is none. */
    private static String figures(Language lang, List<Outcome> outcomes) {
        Map<String, Figure> drawn = new java.util.LinkedHashMap<>();
        Set<String> words = new LinkedHashSet<>();
        for (Outcome o : outcomes) {
            if (!o.result().equals("PROVED")) {
                continue;
            }
            o.figures().forEach(f -> drawn.putIfAbsent(f.sentence(), f));
            String rest = o.detail();
            for (Figure f : o.figures()) {
                rest = rest.replace(f.sentence(), "\u0000");
            }
            for (String piece : rest.split("\u0000")) {
                String sentence = piece.replaceAll("^(; )+|(; ?)+$", "").trim();
                if (!sentence.isEmpty()) {
                    words.add(sentence);
                }
            }
        }
        StringBuilder s = new StringBuilder("<div class=\"figures\">\n");
        for (Figure f : onePerPicture(drawn.values())) {
            s.append("<figure><p class=\"ftitle\">").append(escape(f.title())).append("</p>").append(Svg.draw(f)).append("<figcaption>").append(escape(f.sentence()))
                    .append("</figcaption></figure>\n");
        }
        if (!words.isEmpty()) {
            s.append("<p class=\"words\">").append(lang.word("words-only")).append("</p><ul class=\"words\">");
            words.forEach(w -> s.append("<li>").append(escape(w)).append("</li>"));
            s.append("</ul>\n");
        }
        if (drawn.isEmpty() && words.isEmpty()) {
            boolean proved = outcomes.stream().anyMatch(o -> o.result().equals("PROVED"));
            s.append("<p class=\"nofig\">").append(lang.word(proved ? "no-figure" : "no-figure-none-passed")).append("</p>\n");
        }
        return s.append("</div>\n").toString();
    }

    static String verdictStyle(String verdict) {
        return switch (plain(verdict).toLowerCase(java.util.Locale.ROOT)) {
            case "correct" -> "correct";
            case "wrong" -> "wrong";
            case "missing" -> "missing";
            default -> "imprecise"; // imprecise, incomplete
        };
    }

    /** "**wrong**" -> "wrong". */
    static String plain(String markdown) {
        return markdown.replace("**", "").replace("`", "").trim();
    }

    /**
     * A ledger cell's Markdown (code, bold, links) as HTML, escaped. Links to the repository's
     * files are made relative to target/, where the page is; any other link becomes its text.
     */
    static String inline(String markdown) {
        String html = escape(markdown);
        html = CODE.matcher(html).replaceAll("<code>$1</code>");
        html = STRONG.matcher(html).replaceAll("<strong>$1</strong>");
        Matcher link = LINK.matcher(html);
        StringBuilder out = new StringBuilder();
        while (link.find()) {
            String target = link.group(2);
            boolean local = !target.contains(":") && !target.startsWith("/");
            link.appendReplacement(out, Matcher.quoteReplacement(local
                    ? "<a href=\"../" + target + "\">" + link.group(1) + "</a>" : link.group(1)));
        }
        link.appendTail(out);
        return out.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A row's result in this run. */
    enum Result {
        PROVED("PROVED", "proved"), FAILED("FAILED", "failed"), NOT_RUN("NOT RUN", "notrun");

        final String word;
        final String style;

        Result(String word, String style) {
            this.word = word;
            this.style = style;
        }

        static Result of(List<Outcome> outcomes) {
            return switch (ClaimsReport.result(outcomes)) {
                case "FAILED" -> FAILED;
                case "PROVED" -> PROVED;
                default -> NOT_RUN;
            };
        }
    }

    /** The page's words in one language, from {@code page.<code>.properties} beside this class. */
    enum Language {
        EN("en", "claims-report.html"), ZH("zh-CN", "claims-report.zh-CN.html");

        final String code;
        final String file;
        private Properties words;

        Language(String code, String file) {
            this.code = code;
            this.file = file;
        }

        Language other() {
            return this == EN ? ZH : EN;
        }

        String resultWords(Result result) {
            return word("result." + result.style);
        }

        /** The text for {@code key}; a missing one is a mistake in this module, said with the key and file. */
        synchronized String word(String key) {
            if (words == null) {
                words = new Properties();
                String resource = "page." + code + ".properties";
                try (var in = Page.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("missing resource " + resource);
                    }
                    words.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            String word = words.getProperty(key);
            if (word == null) {
                throw new IllegalStateException("no '" + key + "' in page." + code + ".properties");
            }
            return word;
        }
    }
}

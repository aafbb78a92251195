package io.offsetlab.claims;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The claims ledger of a README: one row per claim of the article, each with a stable id. The
 * root README's table is under "## Claims ledger", README.zh-CN.md's under "## 论断对照表"; both
 * have the same rows in the same order (lab's ReadmeTest).
 */
public record Ledger(List<Row> rows) {

    public static final String ENGLISH = "## Claims ledger";
    public static final String CHINESE = "## 论断对照表";

    /**
     * One claim: its id (first column), section, the article's claim, the verdict for Kafka 4.4,
     * the precise truth and the proof link, as written in the README (Markdown inline text).
     */
    public record Row(String id, String section, String claim, String verdict, String truth, String proof) {
    }

    public static Ledger read(Path readme) throws IOException {
        return read(readme, ENGLISH);
    }

    public static Ledger read(Path readme, String heading) throws IOException {
        String text = Files.readString(readme);
        int start = text.indexOf(heading);
        if (start < 0) {
            throw new IllegalStateException(readme + " has no '" + heading + "' section");
        }
        List<Row> rows = text.substring(start).lines()
                .dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .skip(2) // the header and its separator
                .map(line -> line.split("\\|"))
                .map(cells -> new Row(cells[1].trim().replace("`", ""), cells[2].trim(), cells[3].trim(), cells[4].trim(),
                        cell(cells, 5), cell(cells, 6)))
                .toList();
        return new Ledger(rows);
    }

    private static String cell(String[] cells, int index) {
        return index < cells.length ? cells[index].trim() : "";
    }

    public List<String> ids() {
        return rows.stream().map(Row::id).toList();
    }
}

package io.offsetlab.claims;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The claims ledger of the root README: one row per claim of the article, each with a stable id. */
public record Ledger(List<Row> rows) {

    /** One claim: its id (first column), section, the article's claim and the verdict for Kafka 4.4. */
    public record Row(String id, String section, String claim, String verdict) {
    }

    public static Ledger read(Path readme) throws IOException {
        String text = Files.readString(readme);
        int start = text.indexOf("## Claims ledger");
        if (start < 0) {
            throw new IllegalStateException(readme + " has no '## Claims ledger' section");
        }
        List<Row> rows = text.substring(start).lines()
                .dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .skip(2) // the header and its separator
                .map(line -> line.split("\\|"))
                .map(cells -> new Row(cells[1].trim().replace("`", ""), cells[2].trim(), cells[3].trim(), cells[4].trim()))
                .toList();
        return new Ledger(rows);
    }

    public List<String> ids() {
        return rows.stream().map(Row::id).toList();
    }
}

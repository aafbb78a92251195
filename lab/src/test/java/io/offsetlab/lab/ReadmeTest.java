package io.offsetlab.lab;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docs a clone carries (pure file checks, no broker). */
class ReadmeTest {

    private static final Path ROOT = Path.of("..");

    /** README.zh-CN.md gives every claim of the English ledger: same rows, ids, sections and proof links. */
    @Test
    void theChineseLedgerCoversEveryRowOfTheEnglishOne() throws IOException {
        List<String[]> english = ledger(ROOT.resolve("README.md"), "## Claims ledger");
        List<String[]> chinese = ledger(ROOT.resolve("README.zh-CN.md"), "## 论断对照表");

        assertEquals(english.size(), chinese.size(), "one Chinese row per English row");
        for (int i = 0; i < english.size(); i++) {
            assertEquals(english.get(i)[1].trim(), chinese.get(i)[1].trim(), "row " + (i + 1) + ": the same claim id");
            assertEquals(english.get(i)[2].trim(), chinese.get(i)[2].trim(), "row " + (i + 1) + ": the same section");
            assertTrue(chinese.get(i)[6].contains(chapterLink(english.get(i)[6])), "row " + (i + 1) + " links the same chapter as "
                    + "the English row: " + english.get(i)[6] + " vs " + chinese.get(i)[6]);
        }
    }

    /** The repository stands alone: nothing links the maintainers' shared directory beside it, which a clone does not have. */
    @Test
    void noReadmeOrSourceLinksOutsideTheRepository() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> linking = files
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("../" + "shared"))
                    .toList();
            assertTrue(linking.isEmpty(), "files that point outside the repository: " + linking);
        }
    }

    /** The table rows (cells split on '|') under {@code heading}, header and separator left out. */
    private static List<String[]> ledger(Path readme, String heading) throws IOException {
        String text = Files.readString(readme);
        int start = text.indexOf(heading);
        assertTrue(start >= 0, readme + " has no '" + heading + "'");
        return text.substring(start).lines()
                .dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .skip(2)
                .map(line -> line.split("\\|"))
                .toList();
    }

    /** "[§2](02-auto-offset-reset/README.md#...)" -> "02-auto-offset-reset/README.md". */
    private static String chapterLink(String cell) {
        return cell.substring(cell.indexOf("](") + 2, cell.indexOf(".md") + 3);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}

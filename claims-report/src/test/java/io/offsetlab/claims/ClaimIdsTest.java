package io.offsetlab.claims;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger and the tests name the same claims (pure file checks, no broker). */
class ClaimIdsTest {

    private static final Path ROOT = Path.of("..");
    /** The Claim annotation with one quoted id, or several in braces. */
    private static final Pattern CLAIM = Pattern.compile("@Claim\\(\\{?([^)]*)\\}?\\)");
    private static final Pattern ID = Pattern.compile("\"([^\"]+)\"");
    /** Its @Claim ids tag a disabled fixture that tests the report itself: they prove nothing. */
    private static final String SKIPPED_CLASS_FIXTURE = "ClaimsOfSkippedClassesTest.java";

    @Test
    void everyLedgerRowIsClaimedByATestAndEveryClaimedIdIsALedgerRow() throws IOException {
        List<String> ledger = Ledger.read(ROOT.resolve("README.md")).ids();
        Set<String> claimed = claimedInTests();

        Set<String> unclaimed = new TreeSet<>(ledger);
        unclaimed.removeAll(claimed);
        Set<String> unknown = new TreeSet<>(claimed);
        unknown.removeAll(ledger);
        assertAll(
                () -> assertTrue(unclaimed.isEmpty(), "ledger rows no test claims (add @Claim to the tests that prove them): "
                        + unclaimed),
                () -> assertTrue(unknown.isEmpty(), "@Claim ids with no ledger row in README.md: " + unknown));
    }

    private static Set<String> claimedInTests() throws IOException {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/test/java/")
                    && !f.toString().contains("/target/") && !f.endsWith(SKIPPED_CLASS_FIXTURE)).toList()) {
                Matcher claim = CLAIM.matcher(Files.readString(file));
                while (claim.find()) {
                    Matcher id = ID.matcher(claim.group(1));
                    while (id.find()) {
                        ids.add(id.group(1));
                    }
                }
            }
        }
        return ids;
    }
}

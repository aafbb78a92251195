package io.offsetlab.claims;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The build's last check finds failing tests in every module's Failsafe summary and Surefire reports. */
class FailedTestsTest {

    @Test
    void modulesWhoseTestReportsCountFailuresOrErrorsAreNamed(@TempDir Path root) throws Exception {
        write(root.resolve("02-auto-offset-reset/target/failsafe-reports/failsafe-summary.xml"),
                "<failsafe-summary result=\"255\"><completed>32</completed><errors>1</errors><failures>2</failures></failsafe-summary>");
        write(root.resolve("03-manual-commit/target/failsafe-reports/failsafe-summary.xml"),
                "<failsafe-summary><completed>20</completed><errors>0</errors><failures>0</failures></failsafe-summary>");
        write(root.resolve("lab/target/surefire-reports/TEST-io.offsetlab.lab.ColumnsTest.xml"),
                "<?xml version=\"1.0\"?>\n<testsuite xmlns:xsi=\"x\" name=\"ColumnsTest\" tests=\"4\" errors=\"0\" skipped=\"0\" failures=\"1\">");
        write(root.resolve("lab/target/surefire-reports/TEST-io.offsetlab.lab.WrapTest.xml"),
                "<testsuite name=\"WrapTest\" tests=\"2\" errors=\"0\" skipped=\"0\" failures=\"0\">");

        assertEquals(List.of("02-auto-offset-reset: 3 integration tests failed", "lab: 1 unit tests failed"),
                ClaimsReport.failedTests(root));
    }

    @Test
    void aBuildWithoutFailuresHasNone(@TempDir Path root) throws Exception {
        write(root.resolve("01-offset-basics/target/failsafe-reports/failsafe-summary.xml"),
                "<failsafe-summary><completed>10</completed><errors>0</errors><failures>0</failures></failsafe-summary>");
        Files.createDirectories(root.resolve("docs"));
        assertEquals(List.of(), ClaimsReport.failedTests(root));
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}

package io.offsetlab.lab;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** A test class turned off as a whole still gives each of its claims a NOT RUN line, with the reason. */
class ClaimsOfSkippedClassesTest {

    /** Stands for a class such as OffsetExpiryIT on a cluster that keeps offsets 7 days. */
    @Disabled("offsets are kept 7 days on this cluster")
    @Claim("2.expiry")
    static class SkippedWhole {
        @Test
        void aTest() {
        }

        @Test
        @Claim("5.retention")
        void anotherTest() {
        }

        @ParameterizedTest
        @ValueSource(strings = {"classic", "consumer"})
        void aParameterizedTest(String protocol) {
        }

        void notATest() {
        }
    }

    @Test
    void everyClaimOfADisabledClassIsNotRunWithTheReason(@TempDir Path claims) throws IOException {
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(new ClaimsOfSkippedClasses(claims)).build());

        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SkippedWhole.class)).build());

        Path file = claims.resolve(ProcessHandle.current().pid() + ".tsv");
        List<String> lines = Files.readAllLines(file).stream().sorted().toList();
        String reason = "offsets are kept 7 days on this cluster";
        assertEquals(List.of(
                "2.expiry\tNOT RUN\tSkippedWhole.aParameterizedTest\t" + reason,
                "2.expiry\tNOT RUN\tSkippedWhole.aTest\t" + reason,
                "2.expiry\tNOT RUN\tSkippedWhole.anotherTest\t" + reason,
                "5.retention\tNOT RUN\tSkippedWhole.anotherTest\t" + reason), lines,
                "one NOT RUN line per claim id and test method (a parameterized one too), with the condition's reason, and none for a "
                        + "method that is no test");
    }
}

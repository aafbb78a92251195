package io.offsetlab.lab;

import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Records NOT RUN, with the reason, for every claim of a test class that a condition turned off
 * as a whole (for example {@code OffsetExpiryIT} on a cluster that keeps offsets 7 days:
 * {@link KafkaLabExtension} disables the class). JUnit runs none of such a class's methods, so
 * {@link ClaimsRecorder}, a Jupiter extension, never hears of them; the JUnit Platform tells its
 * listeners that the class was skipped and why. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class ClaimsOfSkippedClasses implements TestExecutionListener {

    private final Path directory;

    public ClaimsOfSkippedClasses() {
        this(ClaimsRecorder.DIRECTORY);
    }

    ClaimsOfSkippedClasses(Path directory) {
        this.directory = directory;
    }

    @Override
    public void executionSkipped(TestIdentifier skipped, String reason) {
        TestSource source = skipped.getSource().orElse(null);
        if (source instanceof ClassSource classSource) {
            Class<?> testClass = classSource.getJavaClass();
            StringBuilder lines = new StringBuilder();
            for (Method method : testClass.getDeclaredMethods()) {
                if (isTest(method)) {
                    lines.append(ClaimsRecorder.lines(ClaimsRecorder.claimIds(method, testClass), "NOT RUN", testClass.getSimpleName() + "." + method.getName(),
                            ClaimsRecorder.firstLine(reason == null ? "skipped" : reason)));
                }
            }
            ClaimsRecorder.append(directory, lines.toString());
        }
    }

    /**
     * A method JUnit runs as a test: @Test, @ParameterizedTest and the like all carry @Testable,
     * directly or through another annotation (@ParameterizedTest through @TestTemplate).
     */
    private static boolean isTest(Method method) {
        return AnnotationSupport.isAnnotated(method, Testable.class);
    }
}

package io.offsetlab.lab;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Records, for every test that declares {@link Claim}s, its outcome for each claim id: one
 * tab-separated line per id in {@code target/claims/<pid>.tsv} of the module (id, PROVED /
 * FAILED / NOT RUN, the test, the figures' sentences or the reason it did not run, and the
 * figures to draw: {@link Figure#encode()}d, space-separated, in a fifth field). The claims-report
 * module reads every module's lines at the end of the build. Registered for every test through
 * JUnit's extension autodetection (the parent pom turns it on).
 */
public final class ClaimsRecorder implements BeforeEachCallback, TestWatcher {

    static final Path DIRECTORY = Path.of("target", "claims");

    @Override
    public void beforeEach(ExtensionContext context) {
        Claims.start();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        List<Claims.Recorded> figures = Claims.finish();
        record(context, "PROVED", String.join("; ", figures.stream().map(Claims.Recorded::sentence).toList()),
                String.join(" ", figures.stream().map(Claims.Recorded::encoded).filter(Objects::nonNull).toList()));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Claims.finish();
        record(context, "FAILED", firstLine(String.valueOf(cause.getMessage())));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        Claims.finish();
        record(context, "NOT RUN", firstLine(String.valueOf(cause.getMessage())));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, "NOT RUN", firstLine(reason.orElse("disabled")));
    }

    private static void record(ExtensionContext context, String outcome, String detail) {
        record(context, outcome, detail, "");
    }

    private static void record(ExtensionContext context, String outcome, String detail, String figures) {
        List<String> ids = claimIds(context);
        if (ids.isEmpty()) {
            return;
        }
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                + (context.getDisplayName().startsWith(context.getRequiredTestMethod().getName()) ? "" : "[" + context.getDisplayName() + "]");
        append(DIRECTORY, lines(ids, outcome, test, detail, figures));
    }

    /** One line per claim id: id, outcome, test, detail (tabs and line breaks in the detail become spaces). */
    static String lines(List<String> ids, String outcome, String test, String detail) {
        return lines(ids, outcome, test, detail, "");
    }

    /** The same, with a fifth field when there are encoded figures (they hold no tab or line break). */
    static String lines(List<String> ids, String outcome, String test, String detail, String figures) {
        StringBuilder lines = new StringBuilder();
        for (String id : ids) {
            lines.append(String.join("\t", id, outcome, test, detail.replace('\t', ' ').replace('\n', ' ')));
            lines.append(figures.isEmpty() ? "" : "\t" + figures).append('\n');
        }
        return lines.toString();
    }

    private static List<String> claimIds(ExtensionContext context) {
        return claimIds(context.getRequiredTestMethod(), context.getRequiredTestClass());
    }

    /** The ids a test claims: its method's @Claim, then its class's. */
    static List<String> claimIds(Method method, Class<?> testClass) {
        List<String> ids = new ArrayList<>();
        Optional.ofNullable(method.getAnnotation(Claim.class)).ifPresent(c -> ids.addAll(List.of(c.value())));
        Optional.ofNullable(testClass.getAnnotation(Claim.class)).ifPresent(c -> ids.addAll(List.of(c.value())));
        return ids;
    }

    /** Appends to this JVM's file in {@code directory}: one file per test JVM, so JVMs never write into one file. */
    static synchronized void append(Path directory, String lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(ProcessHandle.current().pid() + ".tsv"), lines, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the claim outcome in " + directory, e);
        }
    }

    static String firstLine(String text) {
        return text.lines().filter(line -> !line.isBlank()).findFirst().orElse("");
    }
}

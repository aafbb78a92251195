package io.offsetlab.lab.run;

import io.offsetlab.lab.broker.KafkaBackend;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in its own JVM with this JVM's classpath (in the tests, the jars of the class
 * data archive first: {@link ClassDataSharing}), as a user would run it: tests
 * use it to check exit codes and output, tests and demos to kill a consumer (SIGKILL) the way
 * a crash ends it. A child tells its parent what it did in {@link Report} lines, which
 * {@link #reports} reads back.
 *
 * <p>Nothing outlives its test: killing a child kills what it started too (a cluster's nodes),
 * and every child starts through {@link ExitWithParent}, so it ends when this JVM ends, killed
 * or not.
 */
public final class ChildJvm implements AutoCloseable {

    /**
     * JVM options every child gets first, space-separated, and hands on to its own children: the
     * integration tests set them (see lab.test.jvm in the root pom) to spend less CPU; a demo or
     * tool run by hand sets none.
     */
    public static final String OPTIONS_PROPERTY = "offsetlab.childJvmOptions";

    private final Process process;
    private final Path outputFile;

    private ChildJvm(Process process, Path outputFile) {
        this.process = process;
        this.outputFile = outputFile;
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr are merged into {@link #output()}. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(System.getProperty("java.class.path"), mainClass.getName(), args);
    }

    /**
     * Starts {@code mainClass} against {@code kafka}: its arguments begin with
     * {@link KafkaBackend#commandLine()} (the address, and the client properties as a file:
     * a secured cluster's settings reach the child, its passwords never reach a command line).
     */
    public static ChildJvm start(KafkaBackend kafka, Class<?> mainClass, String... args) {
        List<String> all = new ArrayList<>(kafka.commandLine());
        all.addAll(List.of(args));
        return start(mainClass, all.toArray(String[]::new));
    }

    /**
     * Starts {@code mainClass} on a classpath of its own, e.g. a Kafka tool of another release
     * than the lab's, the way its shell script would (plus {@link ExitWithParent}, alone).
     */
    public static ChildJvm start(String classpath, String mainClass, String... args) {
        return start(List.of(), classpath, mainClass, args);
    }

    /** Starts {@code mainClass} with JVM options, e.g. a heap size, before the class name. */
    public static ChildJvm start(List<String> jvmOptions, String classpath, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String common = System.getProperty(OPTIONS_PROPERTY, "").trim();
        if (!common.isEmpty()) {
            command.addAll(List.of(common.split("\\s+")));
            command.add("-D" + OPTIONS_PROPERTY + "=" + common); // and to the JVMs it starts: a demo's cluster nodes
        }
        ClassDataSharing.Child shared = ClassDataSharing.childOptions(withExitWithParent(classpath));
        command.addAll(shared.jvmOptions()); // Kafka's classes mapped from the build's archive, when it fits
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(shared.classpath());
        command.add(ExitWithParent.class.getName());
        command.add(mainClass);
        command.addAll(List.of(args));
        try {
            // Output goes to a file, not a pipe: when a child exits, the JDK's process reaper
            // drains and closes the pipe under a reading thread ("Stream closed"), losing the
            // last lines, which are the ones a test wants.
            Path outputFile = Files.createTempFile("child-jvm-", ".out");
            outputFile.toFile().deleteOnExit();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(outputFile.toFile()).start();
            return new ChildJvm(process, outputFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM for " + mainClass, e);
        }
    }

    /**
     * {@code classpath}, with {@link ExitWithParent} on it. A classpath with the lab's classes has
     * it already; a classpath of its own (a Kafka tool of another release) gets that one class
     * alone, copied once into a directory of its own, and nothing else of the lab's.
     */
    private static String withExitWithParent(String classpath) {
        String lab = location(ExitWithParent.class);
        if (List.of(classpath.split(File.pathSeparator)).contains(lab)) {
            return classpath;
        }
        return classpath + File.pathSeparator + exitWithParentAlone();
    }

    static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the lab's classes", e);
        }
    }

    private static Path exitWithParentDir;

    /** A directory holding only ExitWithParent.class, made once per JVM and deleted when it exits. */
    private static synchronized Path exitWithParentAlone() {
        if (exitWithParentDir == null) {
            String file = ExitWithParent.class.getName().replace('.', '/') + ".class";
            Path dir = LocalMachine.tempDir("offset-lab-exit-with-parent-");
            Path target = dir.resolve(file);
            try (var in = ChildJvm.class.getClassLoader().getResourceAsStream(file)) {
                LocalMachine.directories(target.getParent());
                Files.copy(java.util.Objects.requireNonNull(in, file), target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + file + " to " + dir, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalMachine.deleteRecursively(dir)));
            exitWithParentDir = dir;
        }
        return exitWithParentDir;
    }

    /** Sends {@code line} to the child's standard input, as someone typing at its terminal would. */
    public void type(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the child's input", e);
        }
    }

    /** The operating system's process id: what {@code kill -9} takes. */
    public long pid() {
        return process.pid();
    }

    /** Everything the child printed so far (stdout and stderr). */
    public String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the child's output " + outputFile, e);
        }
    }

    /** What the child reported so far about {@code event} ({@link Report}s), in order. */
    public List<Report> reports(String event) {
        return Report.events(output(), event);
    }

    /** The child's latest report of {@code event}; empty when it has reported none yet. */
    public Optional<Report> lastReport(String event) {
        List<Report> reports = reports(event);
        return reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
    }

    /**
     * Waits for the child to exit and returns its exit code; kills it and throws when it is
     * still running after {@code timeout}.
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException("child JVM still running after " + timeout.toSeconds() + " s; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * SIGKILL: no shutdown hooks, no close(), no commit. A crash. Whatever the child started
     * (a cluster's nodes) is killed with it: they would otherwise end only once they notice
     * that their parent is gone.
     */
    public void kill() {
        List<ProcessHandle> started = process.descendants().toList(); // before the child dies and they lose it as parent
        process.destroyForcibly();
        started.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle descendant : started) {
                descendant.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a process started by the child did not end after SIGKILL", e);
        }
    }

    /** SIGTERM: shutdown hooks run, like Ctrl-C. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}

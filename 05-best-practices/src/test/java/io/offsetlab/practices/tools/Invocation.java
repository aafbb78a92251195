package io.offsetlab.practices.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of a chapter tool's command line, in this JVM: exit code, stdout, stderr. */
public record Invocation(int exit, String out, String err) {

    /** A tool's entry point that returns its exit code instead of calling System.exit. */
    @FunctionalInterface
    public interface Main {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    public static Invocation of(Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Invocation(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

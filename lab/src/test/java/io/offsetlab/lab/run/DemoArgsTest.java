package io.offsetlab.lab.run;

import io.offsetlab.lab.run.DemoArgs.Option;
import io.offsetlab.lab.run.DemoArgs.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo command line: what is accepted, and that anything else is a usage error (exit 2). */
class DemoArgsTest {

    private static final List<Option> OPTIONS = List.of(
            Option.choice("--protocol", "group protocol", "classic", "consumer"),
            Option.flag("--skip-expiry", "skip the slow scenario"));

    @Test
    void acceptsAnExternalClusterAndTheDemosOwnOptions(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\n");
        DemoArgs args = DemoArgs.parse(new String[] {"--bootstrap-server", "k1:9092,k2:9093", "--command-config",
                config.toString(), "--protocol", "consumer", "--skip-expiry"}, OPTIONS);
        assertEquals("k1:9092,k2:9093", args.bootstrapServers());
        assertEquals(config, args.commandConfig());
        assertEquals("consumer", args.option("--protocol", "classic"));
        assertTrue(args.flag("--skip-expiry"));
    }

    @Test
    void noArgumentsMeansTheEmbeddedBroker() {
        DemoArgs args = DemoArgs.parse(new String[0], OPTIONS);
        assertEquals(null, args.bootstrapServers(), "no --bootstrap-server: the demo starts its own broker");
        assertFalse(args.help());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":9092", "localhost:abc", "localhost:0", "localhost:70000", "a:1,b"})
    void rejectsAMalformedBootstrapServer(String value) {
        UsageException e = assertThrows(UsageException.class,
                () -> DemoArgs.parse(new String[] {"--bootstrap-server", value}, OPTIONS));
        assertTrue(e.getMessage().contains("--bootstrap-server"), e.getMessage());
    }

    @Test
    void rejectsUnknownArgumentsMissingValuesAndMissingFiles() {
        assertThrows(UsageException.class, () -> DemoArgs.parse(new String[] {"--frobnicate"}, OPTIONS));
        assertThrows(UsageException.class, () -> DemoArgs.parse(new String[] {"--bootstrap-server"}, OPTIONS));
        assertThrows(UsageException.class, () -> DemoArgs.parse(new String[] {"--protocol", "--skip-expiry"}, OPTIONS));
        assertThrows(UsageException.class, () -> DemoArgs.parse(
                new String[] {"--bootstrap-server", "h:1", "--command-config", "/no/such/file.properties"}, OPTIONS));
    }

    @Test
    void rejectsAValueOutsideAnOptionsChoices() {
        UsageException e = assertThrows(UsageException.class, () -> DemoArgs.parse(new String[] {"--protocol", "eager"}, OPTIONS));
        assertEquals("--protocol must be one of classic, consumer, got 'eager'", e.getMessage());
    }

    @Test
    void commandConfigWithoutBootstrapServerIsAUsageError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "");
        UsageException e = assertThrows(UsageException.class,
                () -> DemoArgs.parse(new String[] {"--command-config", config.toString()}, OPTIONS));
        assertTrue(e.getMessage().contains("needs --bootstrap-server"), e.getMessage());
    }

    @Test
    void runnerPrintsUsageAndReturnsExitCode2OnBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DemoRunner.Spec spec = new DemoRunner.Spec("./run 00", "§0 test", OPTIONS, Map.of(), List.of());
        int code = DemoRunner.run(spec, new String[] {"--nope"}, (k, a, o) -> {
            throw new AssertionError("the demo must not run on bad arguments");
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(DemoRunner.USAGE, code);
        assertTrue(stderr.startsWith("./run 00: unknown argument: --nope"), stderr);
        assertTrue(stderr.contains("usage: ./run 00 [options]") && stderr.contains("--skip-expiry"), stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout for a usage error");
    }

    @Test
    void helpPrintsUsageAndReturns0WithoutStartingABroker() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DemoRunner.run(new DemoRunner.Spec("./run 00", "§0 test"), new String[] {"--help"},
                (k, a, o) -> {
                    throw new AssertionError("--help must not run the demo");
                }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(DemoRunner.OK, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--bootstrap-server HOST:PORT"));
    }

    @Test
    void positiveIntGivesTheDefaultTheValueOrAUsageErrorNamingTheOption() {
        List<Option> options = List.of(new Option("--reps", "R", "repetitions"));

        assertEquals(5, DemoArgs.parse(new String[] {}, options).positiveInt("--reps", 5), "not given: the default");
        assertEquals(3, DemoArgs.parse(new String[] {"--reps", "3"}, options).positiveInt("--reps", 5));
        for (String bad : List.of("0", "-2", "three")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> DemoArgs.parse(new String[] {"--reps", bad}, options).positiveInt("--reps", 5));
            assertEquals("--reps must be a whole number above 0, got '" + bad + "'", e.getMessage());
        }
    }
}

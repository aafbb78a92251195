package io.offsetlab.lab.run;

import io.offsetlab.lab.run.Arguments.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line, parsed: what is accepted, and that anything else is a usage error naming its cause. */
class ArgumentsTest {

    private static final List<Option> OPTIONS = List.of(
            new Option("--protocol", "classic|consumer", "group protocol", List.of("classic", "consumer")),
            new Option("--skip-expiry", null, "skip the slow scenario", List.of()),
            new Option("--reps", "R", "repetitions", List.of()));

    private static Arguments parse(String... args) {
        return Arguments.parse(args, OPTIONS, true);
    }

    private static String usageError(boolean clusterOptions, String... args) {
        return assertThrows(UsageException.class, () -> Arguments.parse(args, OPTIONS, clusterOptions)).getMessage();
    }

    @Test
    void acceptsAnExternalClusterAndTheCommandsOwnOptions(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\n");
        Arguments args = parse("--bootstrap-server", "k1:9092,k2:9093", "--command-config", config.toString(),
                "--protocol", "consumer", "--skip-expiry", "--verbose");
        assertEquals("k1:9092,k2:9093", args.bootstrapServers());
        assertEquals(config, args.commandConfig());
        assertEquals("consumer", args.option("--protocol", "classic"));
        assertTrue(args.flag("--skip-expiry"));
        assertFalse(args.flag("--reps"), "an option not given is not there");
    }

    @Test
    void noArgumentsMeansTheEmbeddedBroker() {
        Arguments args = parse();
        assertNull(args.bootstrapServers(), "no --bootstrap-server: a demo starts its own broker");
        assertFalse(args.help());
        assertEquals("classic", args.option("--protocol", "classic"), "not given: the default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpIsAskedForWithEitherSpelling(String help) {
        assertTrue(parse("--skip-expiry", help).help());
        assertTrue(Arguments.parse(new String[] {help}, OPTIONS, false).help(), "a command without cluster options has --help too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":9092", "localhost:abc", "localhost:0", "localhost:70000", "a:1,b"})
    void rejectsAMalformedBootstrapServer(String value) {
        String message = usageError(true, "--bootstrap-server", value);
        assertTrue(message.startsWith("--bootstrap-server"), "the message names the option: " + message);
    }

    @Test
    void eachUsageErrorSaysWhatIsWrong() {
        assertAll(
                () -> assertEquals("unknown argument: --frobnicate", usageError(true, "--frobnicate")),
                () -> assertEquals("--bootstrap-server needs a value", usageError(true, "--bootstrap-server")),
                () -> assertEquals("--protocol needs a value", usageError(true, "--protocol", "--skip-expiry"),
                        "an option's value never starts with --"),
                () -> assertEquals("--command-config: no readable file at /no/such/file.properties",
                        usageError(true, "--bootstrap-server", "h:1", "--command-config", "/no/such/file.properties")),
                () -> assertEquals("--protocol must be one of classic, consumer, got 'eager'", usageError(true, "--protocol", "eager")));
    }

    @Test
    void commandConfigWithoutBootstrapServerIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "");
        assertEquals("--command-config needs --bootstrap-server: it configures the clients of that cluster",
                usageError(true, "--command-config", config.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bootstrap-server", "--command-config", "--verbose"})
    void aCommandThatReachesNoClusterRefusesTheClusterOptionsSayingWhy(String option) {
        assertEquals("unknown argument: " + option + " (only the commands that reach a Kafka cluster take it)", usageError(false, option, "x"));
    }

    @Test
    void positiveIntGivesTheDefaultTheValueOrAUsageErrorNamingTheOption() {
        assertEquals(5, parse().positiveInt("--reps", 5), "not given: the default");
        assertEquals(3, parse("--reps", "3").positiveInt("--reps", 5));
        for (String bad : List.of("0", "-2", "three")) {
            UsageException e = assertThrows(UsageException.class, () -> parse("--reps", bad).positiveInt("--reps", 5));
            assertEquals("--reps must be a whole number above 0, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void wholeNumberKeepsToItsRange() {
        assertEquals(9092, parse().wholeNumber("--reps", 9092, 1, 65535), "not given: the default");
        assertEquals(9, parse("--reps", "9").wholeNumber("--reps", 3, 1, 9), "the upper bound is allowed");
        for (String bad : List.of("0", "10", "x")) {
            UsageException e = assertThrows(UsageException.class, () -> parse("--reps", bad).wholeNumber("--reps", 3, 1, 9));
            assertEquals("--reps must be a number from 1 to 9, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void positiveNumberNamesItsBound() {
        assertEquals(2.5, parse("--reps", "2.5").positiveNumber("--reps", 2, 600));
        UsageException tooBig = assertThrows(UsageException.class, () -> parse("--reps", "700").positiveNumber("--reps", 2, 600));
        UsageException unbounded = assertThrows(UsageException.class,
                () -> parse("--reps", "-1").positiveNumber("--reps", 2, Double.MAX_VALUE));
        assertEquals("--reps must be a number above 0 (at most 600), got '700'", tooBig.getMessage());
        assertEquals("--reps must be a number above 0, got '-1'", unbounded.getMessage());
    }
}

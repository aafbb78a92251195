package io.offsetlab.lab.run;

import io.offsetlab.lab.view.Columns;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one runner of demos and tools, without a broker: --help, usage errors (exit 2, the cause
 * first, then the usage, never a stack trace), and the checks that come before any cluster is
 * contacted. What happens once a cluster is reached, the chapters' ITs show.
 */
class RunnerTest {

    /** One run: exit code, stdout, stderr. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(Runner runner, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = runner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Runner demo() {
        return Runner.demo("./run 00", (kafka, args, out) -> {
            throw new AssertionError("the demo must not run");
        }).describe("§0 a test demo").choice("--protocol", "group protocol", "classic", "consumer")
                .flag("--skip-expiry", "skip the slow scenario");
    }

    private static Runner tool() {
        return Runner.tool("./run some-tool", (admin, args, out, err) -> {
            throw new AssertionError("the tool must not run");
        }).describe("§0 a test tool").requiredOption("--group", "GROUP", "the consumer group (required)");
    }

    private static Runner local(Runner.Local body) {
        return Runner.local("./run check", body).describe("§0 a test check").option("--reps", "R", "repetitions");
    }

    @Test
    void helpPrintsTheUsageAndExits0WithoutRunningTheCommand() {
        Runner local = local((args, out, err) -> {
            throw new AssertionError("the check must not run");
        });
        for (Runner runner : List.of(demo(), tool(), local)) {
            Run help = run(runner, "--help");
            assertAll(
                    () -> assertEquals(Runner.OK, help.exit(), help.err()),
                    () -> assertEquals(runner.usage(), help.out(), "the usage, on stdout"),
                    () -> assertEquals("", help.err()));
        }
    }

    @Test
    void aDemosUsageListsTheClusterOptionsThenItsOwnThenVerboseAndHelp() {
        assertEquals("""
                usage: ./run 00 [options]
                §0 a test demo

                options:
                  --bootstrap-server HOST:PORT  use this Kafka cluster instead of starting an embedded broker
                  --command-config FILE         client properties for that cluster (SASL/SSL), as for Kafka's tools
                  --protocol classic|consumer   group protocol
                  --skip-expiry                 skip the slow scenario
                  --verbose                     also show Kafka's own log lines (its clients at INFO)
                  --help                        show this help and exit
                """, demo().usage());
    }

    @Test
    void aToolsUsageSaysTheClusterIsRequiredAndACheckOffersNoClusterOptions() {
        String check = local((args, out, err) -> Runner.OK).usage();
        assertAll(
                () -> assertTrue(tool().usage().contains("--bootstrap-server HOST:PORT  the Kafka cluster to work on (required)"),
                        tool().usage()),
                () -> assertFalse(check.contains("--bootstrap-server") || check.contains("--command-config") || check.contains("--verbose"),
                        "a command that reaches no cluster offers none of its options:\n" + check),
                () -> assertTrue(check.contains("  --reps R  repetitions\n  --help    show this help and exit\n"), check));
    }

    @Test
    void aUsageErrorExits2WithTheCauseThenTheUsageOnStderrAndNoStackTrace() {
        Run bad = run(demo(), "--nope");
        assertAll(
                () -> assertEquals(Runner.USAGE, bad.exit()),
                () -> assertEquals("./run 00: unknown argument: --nope\n\n" + demo().usage(), bad.err().replace("\r\n", "\n"),
                        "the command, the cause, a blank line, the usage"),
                () -> assertEquals("", bad.out(), "nothing on stdout for a usage error"),
                () -> assertFalse(bad.err().contains("\tat "), "no stack trace"));
    }

    @Test
    void aToolNeedsAClusterAndItsRequiredOptionsBeforeItConnects() {
        Run noCluster = run(tool(), "--group", "g");
        Run noGroup = run(tool(), "--bootstrap-server", "127.0.0.1:1");
        assertAll(
                () -> assertEquals(Runner.USAGE, noCluster.exit()),
                () -> assertTrue(noCluster.err().startsWith("./run some-tool: --bootstrap-server is required: this tool works on"
                        + " an existing cluster (start one with ./run broker)"), noCluster.err()),
                () -> assertEquals(Runner.USAGE, noGroup.exit(), "a usage error, not a failure to connect: " + noGroup.err()),
                () -> assertTrue(noGroup.err().startsWith("./run some-tool: --group is required"), noGroup.err()));
    }

    @Test
    void aDemoThatStartsItsOwnClusterRefusesBootstrapServerBeforeItPrintsAnything() {
        Runner killsBrokers = demo().startsItsOwnCluster(3);
        Run refused = run(killsBrokers, "--bootstrap-server", "127.0.0.1:9092");
        assertAll(
                () -> assertEquals(Runner.USAGE, refused.exit()),
                () -> assertTrue(refused.err().startsWith("./run 00: this demo kills brokers, so it runs only on the 3-node cluster"
                        + " it starts itself: leave out --bootstrap-server"), refused.err()),
                () -> assertEquals("", refused.out(), "no section heading, no broker: nothing on stdout"));
    }

    @Test
    void optionChecksRunBeforeAnyBrokerStarts() {
        Runner checked = demo().option("--reps", "R", "repetitions").checkOptions(args -> args.positiveInt("--reps", 5));
        Run bad = run(checked, "--reps", "0");
        assertAll(
                () -> assertEquals(Runner.USAGE, bad.exit()),
                () -> assertTrue(bad.err().startsWith("./run 00: --reps must be a whole number above 0, got '0'"), bad.err()),
                () -> assertEquals("", bad.out(), "no broker was started:\n" + bad.out()));
    }

    @Test
    void aLocalCommandReturnsItsOwnExitCodeAndItsFailuresAreOneLine() {
        Run verdict = run(local((args, out, err) -> args.positiveInt("--reps", 1) + 2), "--reps", "2");
        Run usage = run(local((args, out, err) -> {
            throw new UsageException("--reps is required here");
        }));
        Run failed = run(local((args, out, err) -> {
            throw new IllegalStateException("disk full", new RuntimeException("inner"));
        }));
        assertAll(
                () -> assertEquals(4, verdict.exit(), "a command's own code (3 and up) passes through"),
                () -> assertEquals(Runner.USAGE, usage.exit()),
                () -> assertTrue(usage.err().startsWith("./run check: --reps is required here\n\nusage: ./run check"), usage.err()),
                () -> assertEquals(Runner.FAILED, failed.exit()),
                () -> assertEquals("./run check: failed: RuntimeException: inner", failed.err().strip(), "the root cause, in one line"));
    }

    @Test
    void longHelpWrapsUnderItsColumnWithinTheTerminalWidthAndTheFooterComesLast() {
        Runner runner = local((args, out, err) -> Runner.OK)
                .option("--long", "X", "a help text long enough to need two lines: " + "word ".repeat(20).strip())
                .helpFooter("While it runs, type:\n  stop  stops it\n");
        List<String> lines = runner.usage().lines().toList();
        int helpColumn = "  --reps R  ".length();
        int first = lines.indexOf(lines.stream().filter(l -> l.startsWith("  --long X")).findFirst().orElseThrow());
        assertAll(
                () -> assertTrue(lines.stream().allMatch(l -> Columns.of(l) <= Columns.TERMINAL), String.join("\n", lines)),
                () -> assertTrue(lines.get(first + 1).matches(" {" + helpColumn + "}word.*"),
                        "the rest of the help goes on under its first word:\n" + String.join("\n", lines)),
                () -> assertTrue(runner.usage().endsWith("show this help and exit\n\nWhile it runs, type:\n  stop  stops it\n"),
                        runner.usage()));
    }

    @Test
    void parseOptionsChecksTheCommandsOwnOptionsWithoutAskingForACluster() {
        Runner runner = tool().checkOptions(args -> {
            if (args.option("--group", "").isBlank()) {
                throw new UsageException("--group must not be blank");
            }
        });
        assertEquals("g", runner.parseOptions(new String[] {"--group", "g"}).option("--group", null));
        assertEquals("--group is required", assertThrows(UsageException.class, () -> runner.parseOptions(new String[0])).getMessage());
        assertEquals("--group must not be blank",
                assertThrows(UsageException.class, () -> runner.parseOptions(new String[] {"--group", " "})).getMessage());
    }

    @Test
    void whatOnlyADemoDoesIsRefusedForOtherKindsWhenTheCommandIsDeclared() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tool().startsItsOwnCluster(3));
        assertEquals("startsItsOwnCluster is for demos; ./run some-tool is a tool", e.getMessage());
        assertThrows(IllegalStateException.class, () -> local((args, out, err) -> 0).dependsOnBrokerSettings("x"));
        assertThrows(IllegalStateException.class, () -> local((args, out, err) -> 0).startsBrokerWith("x", "1"));
    }
}

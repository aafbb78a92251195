package io.offsetlab.practices.timeouts;

import io.offsetlab.lab.run.Runner;
import io.offsetlab.practices.timeouts.TimeoutCheck.Result;
import io.offsetlab.practices.timeouts.TimeoutCheck.Settings;
import io.offsetlab.practices.timeouts.TimeoutCheck.Verdict;
import io.offsetlab.practices.tools.Invocation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** §5 the timeout arithmetic (pure logic; chapter 04 proves the behaviour on a broker). */
class TimeoutCheckTest {

    private static Result check(int maxPollRecords, double msPerRecord, int maxPollIntervalMs) {
        return TimeoutCheck.check(new Settings(maxPollRecords, msPerRecord, maxPollIntervalMs, null, null, "classic"));
    }

    @Test
    void defaultsWithFastRecordsFit() {
        Result result = check(500, 10, 300_000); // 5 s of a 300 s limit

        assertAll(
                () -> assertEquals(Verdict.FITS, result.verdict(), "500 x 10 ms = 5 s is 2% of 300 s"),
                () -> assertEquals(5000, result.batchMs(), 0.001),
                () -> assertTrue(result.advice().isEmpty(), "nothing to change: " + result.advice()));
    }

    @Test
    void aBatchLongerThanMaxPollIntervalIsEvictedAndTheAdviceFitsHalfTheInterval() {
        Result result = check(500, 700, 300_000); // 350 s > 300 s

        assertAll(
                () -> assertEquals(Verdict.EVICTED, result.verdict(), "500 x 700 ms = 350 s > 300 s"),
                () -> assertTrue(result.advice().get(0).startsWith("max.poll.records=214 "),
                        "300000 x 0.5 / 700 = 214.3 -> 214 records: " + result.advice()),
                () -> assertTrue(result.advice().get(1).startsWith("or max.poll.interval.ms=700000 "),
                        "twice the 350 s batch: " + result.advice()));
    }

    @Test
    void theArticlesTenMinutesFixesThatBatchButWithoutHeadroom() {
        Result result = check(500, 700, 600_000); // the article's max.poll.interval.ms=600000: 350 s of 600 s

        assertEquals(Verdict.AT_RISK, result.verdict(), "350 s is 58% of 600 s: under the limit, over the 50% headroom");
    }

    @Test
    void exactlyHalfTheIntervalStillFitsAndExactlyTheIntervalIsEvicted() {
        assertAll(
                () -> assertEquals(Verdict.FITS, check(100, 1500, 300_000).verdict(), "150 s = 50%: the boundary fits"),
                () -> assertEquals(Verdict.EVICTED, check(100, 3000, 300_000).verdict(), "300 s = 100%: evicted"));
    }

    @Test
    void oneRecordSlowerThanHalfTheIntervalCannotBeFixedByMaxPollRecords() {
        Result result = check(1, 200_000, 300_000);

        assertTrue(result.advice().get(0).contains("no max.poll.records helps"), result.advice().toString());
    }

    @Test
    void classicHeartbeatMustBeBelowTheSessionAndIdeallyAThird() {
        Result equal = TimeoutCheck.check(new Settings(10, 1, 300_000, 10_000, 10_000, "classic"));
        Result half = TimeoutCheck.check(new Settings(10, 1, 300_000, 10_000, 5_000, "classic"));

        assertAll(
                () -> assertTrue(equal.findings().stream().anyMatch(f -> f.contains("refuses to start")), equal.findings().toString()),
                () -> assertTrue(equal.advice().contains("heartbeat.interval.ms=3333 (a third of the session timeout)"), equal.advice().toString()),
                () -> assertTrue(half.findings().stream().anyMatch(f -> f.contains("more than a third")), half.findings().toString()));
    }

    @Test
    void aSessionTimeoutOutsideTheBrokersRangeIsFlagged() {
        Result result = TimeoutCheck.check(new Settings(10, 1, 300_000, 3_000, 1_000, "classic"));

        assertTrue(result.findings().stream().anyMatch(f -> f.contains("InvalidSessionTimeoutException")), result.findings().toString());
    }

    @Test
    void sessionSettingsWithTheConsumerProtocolAreAConfigError() {
        Result withSession = TimeoutCheck.check(new Settings(10, 1, 300_000, 45_000, null, "consumer"));
        Result without = TimeoutCheck.check(new Settings(10, 1, 300_000, null, null, "consumer"));

        assertAll(
                () -> assertTrue(withSession.findings().stream().anyMatch(f -> f.contains("ConfigException")), withSession.findings().toString()),
                () -> assertTrue(without.advice().isEmpty(), "nothing to change without them: " + without.advice()));
    }

    @Test
    void theCommandLineHasAnExitCodeForEachVerdictAndTwoForBadInput() {
        Invocation evicted = Invocation.of(TimeoutCheck::run, "--max-poll-records", "500", "--time-per-record-ms", "700");
        Invocation atRisk = Invocation.of(TimeoutCheck::run, "--max-poll-records", "500", "--time-per-record-ms", "400");
        Invocation fits = Invocation.of(TimeoutCheck::run, "--time-per-record-ms", "10");
        Invocation missing = Invocation.of(TimeoutCheck::run, "--max-poll-records", "500");
        Invocation negative = Invocation.of(TimeoutCheck::run, "--time-per-record-ms", "-3");

        assertAll(
                () -> assertEquals(TimeoutCheck.EXIT_EVICTED, evicted.exit(), "EVICTED: exit 4, " + evicted.out()),
                () -> assertTrue(evicted.out().startsWith("verdict: EVICTED"), evicted.out()),
                () -> assertEquals(TimeoutCheck.EXIT_AT_RISK, atRisk.exit(), "500 x 400 ms = 67% of 300000 ms, AT_RISK: exit 3, "
                        + atRisk.out()),
                () -> assertTrue(atRisk.out().startsWith("verdict: AT_RISK"), atRisk.out()),
                () -> assertEquals(Runner.OK, fits.exit(), fits.out()),
                () -> assertEquals(Runner.USAGE, missing.exit()),
                () -> assertTrue(missing.err().contains("--time-per-record-ms is required"), missing.err()),
                () -> assertEquals(Runner.USAGE, negative.exit()),
                () -> assertTrue(negative.err().contains("must be a number above 0"), negative.err()));
    }

    @Test
    void helpOffersNoClusterOptionsBecauseTheCheckNeedsNoBroker() {
        Invocation help = Invocation.of(TimeoutCheck::run, "--help");
        Invocation refused = Invocation.of(TimeoutCheck::run, "--time-per-record-ms", "10", "--bootstrap-server", "localhost:9092");

        assertAll(
                () -> assertEquals(Runner.OK, help.exit(), help.err()),
                () -> assertTrue(help.out().contains("--time-per-record-ms MS"), help.out()),
                () -> assertTrue(help.out().contains("exit 0: fits with headroom; 3: at risk; 4: evicted"), help.out()),
                () -> assertFalse(help.out().contains("--bootstrap-server") || help.out().contains("--command-config"),
                        "help must not offer what the command refuses:\n" + help.out()),
                () -> assertEquals(Runner.USAGE, refused.exit(), "--bootstrap-server is still refused: " + refused.err()));
    }
}

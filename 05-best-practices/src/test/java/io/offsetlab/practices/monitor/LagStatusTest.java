package io.offsetlab.practices.monitor;

import io.offsetlab.practices.monitor.LagMonitor.GroupLag;
import io.offsetlab.practices.monitor.LagMonitor.Row;
import io.offsetlab.practices.monitor.LagStatus.Sample;
import io.offsetlab.practices.monitor.LagStatus.Status;
import io.offsetlab.practices.monitor.LagStatus.Verdict;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 the lag judgement's rules ({@link LagStatus}) on made-up samples of a live group with one
 * partition, a second apart: the cases a real broker cannot stage on demand. Each status on a
 * real broker: {@code LagMonitorIT}.
 */
class LagStatusTest {

    /** Samples of partition t-0, one per (committed, end) pair, a second apart. */
    private static List<Sample> live(long... committedThenEnd) {
        List<Sample> window = new ArrayList<>();
        for (int i = 0; i < committedThenEnd.length; i += 2) {
            Row row = new Row("g", "t", 0, committedThenEnd[i], committedThenEnd[i + 1], committedThenEnd[i + 1] - committedThenEnd[i],
                    "member-1", "/127.0.0.1", "client-1");
            window.add(new Sample(i * 500L, new GroupLag("g", GroupState.STABLE, GroupType.CLASSIC, List.of(row), null)));
        }
        return window;
    }

    @Test
    void aLagThatShrinksOnlyOnTheWholeIsOkNotWarn() {
        Verdict v = LagStatus.judge(live(0, 100, 10, 120, 30, 115, 50, 125)); // lag 100, 110, 85, 75

        assertEquals(Status.OK, v.status(), "the lag did not grow at every sample: " + v);
    }

    @Test
    void aLagThatGrowsAtEverySampleWhileCommitsMoveIsWarn() {
        Verdict v = LagStatus.judge(live(0, 100, 10, 120, 20, 140)); // lag 100, 110, 120

        assertAll(
                () -> assertEquals(Status.WARN, v.status(), v.toString()),
                () -> assertTrue(v.detail().contains("lag 120 (t-0)"), v.detail()));
    }

    @Test
    void anyZeroLagInTheWindowIsOkEvenIfTheCommitThenStopped() {
        Verdict v = LagStatus.judge(live(50, 50, 50, 60, 50, 70)); // lag 0, 10, 20; commit stuck at 50

        assertEquals(Status.OK, v.status(), "Burrow's first rule: a lag of 0 in the window is OK: " + v);
    }

    @Test
    void oneSampleOfALiveGroupWithLagIsOkAndSaysItCannotSeeATrend() {
        Verdict v = LagStatus.judge(live(0, 100));

        assertAll(
                () -> assertEquals(Status.OK, v.status(), v.toString()),
                () -> assertTrue(v.detail().contains("one sample shows no trend"), v.detail()));
    }

    @Test
    void aLiveGroupThatNeverCommittedHasNothingToJudge() {
        Row neverCommitted = new Row("g", "t", 0, null, 100L, null, "member-1", "/127.0.0.1", "client-1");
        Verdict v = LagStatus.judge(List.of(new Sample(0, new GroupLag("g", GroupState.STABLE, GroupType.CLASSIC,
                List.of(neverCommitted), null))));

        assertAll(
                () -> assertEquals(Status.OK, v.status(), v.toString()),
                () -> assertTrue(v.detail().contains("no committed offsets yet"), v.detail()));
    }

    @Test
    void theTimeLeftOfAnEmptyConsumerProtocolGroupCountsFromItsCommits() {
        Row caughtUp = new Row("g", "t", 0, 100L, 100L, 0L, null, null, null);
        Verdict v = LagStatus.judge(List.of(new Sample(0, new GroupLag("g", GroupState.EMPTY, GroupType.CONSUMER,
                List.of(caughtUp), 90L))));

        assertAll(
                () -> assertEquals(Status.OFFSETS_AT_RISK, v.status(), v.toString()),
                () -> assertTrue(v.detail().contains("expire within 90 min (offsets.retention.minutes=90, counted from each"
                        + " partition's last commit"), v.detail()));
    }
}

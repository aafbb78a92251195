package io.offsetlab.practices.monitor;

import io.offsetlab.practices.monitor.TimeLagEstimate.Estimate;
import io.offsetlab.practices.monitor.TimeLagEstimate.Kind;
import io.offsetlab.practices.monitor.TimeLagEstimate.Sample;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** §5 the estimate of lag in time, kafka-lag-exporter's lookup table: pure logic, no broker. */
class TimeLagEstimateTest {

    @Test
    void interpolatesBetweenTheTwoSamplesAroundTheCommittedOffset() {
        TimeLagEstimate table = table(new Sample(100, 1_000), new Sample(200, 2_000), new Sample(400, 3_000));
        assertEquals(new Estimate(Kind.INTERPOLATED, 5_000 - 1_500L), table.estimate(150, 5_000), "150 is half-way from 100 to 200");
        assertEquals(new Estimate(Kind.INTERPOLATED, 5_000 - 2_500L), table.estimate(300, 5_000), "300 is half-way from 200 to 400");
    }

    @Test
    void extrapolatesAlongTheFirstAndLastSampleOutsideTheTable() {
        TimeLagEstimate table = table(new Sample(100, 1_000), new Sample(200, 2_000), new Sample(400, 3_000));
        // the line through (100, 1000) and (400, 3000): 20/3 ms per record; 40 is 60 records before 100
        assertEquals(new Estimate(Kind.EXTRAPOLATED, 5_000 - 600L), table.estimate(40, 5_000));
    }

    @Test
    void theNewestEndIsCaughtUpAndOneSampleIsTooFew() {
        assertEquals(new Estimate(Kind.CAUGHT_UP, 0L), table(new Sample(100, 1_000), new Sample(200, 2_000)).estimate(200, 9_000));
        assertEquals(new Estimate(Kind.CAUGHT_UP, 0L), table(new Sample(100, 1_000), new Sample(200, 2_000)).estimate(205, 9_000),
                "a commit made after the newest sample is caught up too");
        assertEquals(new Estimate(Kind.TOO_FEW_SAMPLES, null), table(new Sample(100, 1_000)).estimate(50, 9_000));
    }

    @Test
    void aFlatRunKeepsItsFirstAndLastSampleAndATableWithNoSlopeHasNoAnswer() {
        TimeLagEstimate table = table(new Sample(100, 1_000), new Sample(100, 2_000), new Sample(100, 3_000), new Sample(100, 4_000));
        assertEquals(List.of(new Sample(100, 1_000), new Sample(100, 4_000)), table.samples(), "the run's right end moved out");
        assertEquals(new Estimate(Kind.NO_SLOPE, null), table.estimate(90, 9_000),
                "records older than a table nobody wrote to while it was sampled: no line to read a time off");
    }

    @Test
    void theOldestSampleGoesWhenTheTableIsFullAndOutOfOrderSamplesAreIgnored() {
        TimeLagEstimate table = new TimeLagEstimate(2);
        table.add(100, 1_000);
        table.add(200, 2_000);
        table.add(150, 3_000); // the end moved back
        table.add(300, 1_500); // time moved back
        table.add(300, 3_000);
        assertEquals(List.of(new Sample(200, 2_000), new Sample(300, 3_000)), table.samples());
    }

    private static TimeLagEstimate table(Sample... samples) {
        TimeLagEstimate table = new TimeLagEstimate(60);
        for (Sample sample : samples) {
            table.add(sample.endOffset(), sample.timeMs());
        }
        return table;
    }
}

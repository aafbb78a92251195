package io.offsetlab.practices.benchmark;

import io.offsetlab.practices.benchmark.BenchmarkChart.Rendered;
import io.offsetlab.practices.benchmark.BenchmarkReport.Rate;
import io.offsetlab.practices.benchmark.BenchmarkReport.Summary;
import io.offsetlab.practices.benchmark.CommitBenchmark.Config;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import io.offsetlab.practices.benchmark.Measurement.SyncLatency;
import org.junit.jupiter.api.Test;

import java.awt.Rectangle;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 the benchmark's chart (pure drawing, no broker): no text is drawn where the data is, so
 * no label can collide with a point or a whisker end; the numbers are in the table and CSV.
 */
class BenchmarkChartTest {

    @Test
    void noTextIsDrawnInsideEitherPanelWhereThePointsAndWhiskersAre() {
        // Two handler costs, every row, with wide whiskers: the worst case for crowding.
        List<Summary> summaries = CommitBenchmark.configs(List.of(0, 50), CommitBenchmark.Strategy.ALL).stream().map(BenchmarkChartTest::summary).toList();

        Rendered chart = BenchmarkChart.render(summaries, List.of("test run", "embedded broker"));

        List<String> inside = chart.texts().stream()
                .filter(text -> chart.plots().stream().anyMatch(plot -> plot.intersects(text)))
                .map(Rectangle::toString).toList();
        assertAll(
                () -> assertEquals(2, chart.plots().size(), "two panels: throughput and the uncommitted window"),
                () -> assertTrue(chart.texts().size() > 10, "titles, axis ticks and the legend are drawn as text"),
                () -> assertTrue(inside.isEmpty(), "no text inside a panel's plot area, where points and whiskers go: " + inside));
    }

    /** A plausible row: throughput falling with more frequent commits, min..max ±40%. */
    private static Summary summary(Config config) {
        Mode mode = config.strategy().mode();
        int every = Math.max(1, config.strategy().every());
        double median = mode == Mode.NONE || mode == Mode.PERF_TOOL ? 100_000 : 100_000.0 * every / (every + 10);
        long window = mode == Mode.NONE ? 1_000_000 : mode == Mode.AUTO ? 50_000 : every;
        return new Summary(config, 5, new Rate(median, median * 0.6, median * 1.4), window, new SyncLatency(0.2, 0.9));
    }
}

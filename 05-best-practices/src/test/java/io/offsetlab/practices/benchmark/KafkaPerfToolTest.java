package io.offsetlab.practices.benchmark;

import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 the benchmark's reference row (pure parsing, no broker): kafka-consumer-perf-test's result
 * is read by the names in its header, so a column added or moved by a new Kafka is still found,
 * and a renamed one fails with the tool's output in the message.
 */
class KafkaPerfToolTest {

    /** The header and result line as ConsumerPerformance (kafka-tools 4.3.1) prints them, without --hide-header. */
    private static final String OUTPUT = """
            start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, \
            fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            2026-12-05 06:40:01:123, 2026-12-05 06:40:09:456, 1525.8789, 183.1133, 16000000, 1920076.8631, 3012, 5321, \
            286.7654, 3006953.5802
            """;

    @Test
    void readsTheRecordsAndTheFetchTimeByTheirHeaderNames() {
        Measurement m = KafkaPerfTool.parse(OUTPUT, 2);

        assertAll(
                () -> assertEquals(16_000_000, m.throughput().records(), "data.consumed.in.nMsg: the records read"),
                () -> assertEquals(5.321, m.throughput().seconds(), 1e-9,
                        "fetch.time.ms in seconds: the tool's time without the group join (rebalance.time.ms)"),
                () -> assertEquals(Mode.PERF_TOOL, m.run().strategy().mode(), "the reference row"),
                () -> assertEquals(2, m.rep(), "the repetition it was run in"),
                () -> assertEquals(-1, m.commits().maxUncommitted(), "the tool reports no uncommitted window: not measured"));
    }

    @Test
    void aLogLineBetweenTheHeaderAndTheResultIsSkipped() {
        String[] lines = OUTPUT.split("\n", 2);
        String withLog = lines[0] + "\n[2026-12-05 06:40:02,001] WARN some client warning (org.apache.kafka.x)\n" + lines[1];

        assertEquals(16_000_000, KafkaPerfTool.parse(withLog, 1).throughput().records(),
                "the result row is the first line below the header with as many fields");
    }

    @Test
    void aRenamedColumnFailsWithTheToolsOutput() {
        String renamed = OUTPUT.replace("fetch.time.ms", "fetch.millis");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaPerfTool.parse(renamed, 1),
                "without a fetch.time.ms column there is no result to read");
        assertTrue(e.getMessage().contains("fetch.millis"), "the message carries the tool's output: " + e.getMessage());
    }
}

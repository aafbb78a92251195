package io.offsetlab.practices.benchmark;

import io.offsetlab.practices.benchmark.CommitBenchmark.Config;

/**
 * One timed run of the benchmark, in named parts.
 *
 * @param run        the row it measured: a strategy at a handler cost
 * @param rep        which repetition (from 1)
 * @param throughput how many records it handled, in how long
 * @param commits    what its commits left and cost; {@link Commits#NOT_MEASURED} for Kafka's perf tool
 */
public record Measurement(Config run, int rep, Throughput throughput, Commits commits) {

    /** Records handled over the run's time: after its first record, to the end of the run. */
    public record Throughput(long records, double seconds) {

        double recordsPerSecond() {
            return records / seconds;
        }
    }

    /**
     * @param maxUncommitted the largest uncommitted window the run had, -1 where not measured
     * @param count          commits the client reported done, -1 where not measured
     * @param syncLatency    the run's commitSync latencies
     */
    public record Commits(long maxUncommitted, long count, SyncLatency syncLatency) {

        /** What Kafka's perf tool does not tell. */
        static final Commits NOT_MEASURED = new Commits(-1, -1, SyncLatency.NOT_MEASURED);
    }

    /** The p50 and p99 of a run's commitSync latency in milliseconds; -1 where it made none. */
    public record SyncLatency(double p50Millis, double p99Millis) {

        static final SyncLatency NOT_MEASURED = new SyncLatency(-1, -1);
    }

    double recordsPerSecond() {
        return throughput.recordsPerSecond();
    }
}

/**
 * §5.1 What commits cost: throughput and uncommitted window of each way to commit ({@code ./run benchmark}).
 *
 * <p>{@link CommitBenchmark} runs the rows; {@link BenchmarkConsumer} is one timed run, the
 * loop "poll, handle, commit every N"; {@link CommitWatch} counts what the client reports
 * committed; {@link KafkaPerfTool} runs Kafka's own {@code kafka-consumer-perf-test} as the
 * reference row; each run is a {@link Measurement}; {@link BenchmarkReport} and
 * {@link BenchmarkChart} turn the measurements into tables, CSV and a picture.
 */
package io.offsetlab.practices.benchmark;

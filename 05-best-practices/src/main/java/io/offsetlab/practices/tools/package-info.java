/**
 * §5 The tools, for your own cluster: what the chapter's command-line tools share, and Kafka's own tools beside them.
 *
 * <p>{@link ToolRunner} gives the lag monitor and the offset reset the conventions of Kafka's
 * tools ({@code --bootstrap-server} required, {@code --command-config}, exit 0, 1 or 2);
 * {@link KafkaTools} runs Kafka's own tools ({@code kafka-consumer-groups},
 * {@code kafka-consumer-perf-test}) in a JVM of their own, for the tests and the benchmark to
 * compare with.
 */
package io.offsetlab.practices.tools;

/**
 * §5 The tools, for your own cluster: Kafka's own tools beside the chapter's.
 *
 * <p>The lag monitor and the offset reset run as {@link io.offsetlab.lab.run.Runner#tool} commands,
 * with the conventions of Kafka's tools ({@code --bootstrap-server} required,
 * {@code --command-config}, exit 0, 1 or 2); {@link KafkaTools} runs Kafka's own tools
 * ({@code kafka-consumer-groups}, {@code kafka-consumer-perf-test}) in a JVM of their own, for
 * the tests and the benchmark to compare with.
 */
package io.offsetlab.practices.tools;

/**
 * §5.3 Monitor your offsets: the {@code --describe} table from Admin calls, and a status per group ({@code ./run lag-monitor}).
 *
 * <p>{@link LagMonitor} rebuilds {@code kafka-consumer-groups.sh --describe} from Admin calls
 * ({@link EmptyGroupFacts}: what it asks once more for empty groups);
 * {@link LagMonitorCommand} is its command line (options, the printed table, exit codes),
 * {@link LagWatch} its {@code --watch} and {@code --check} loop and {@link ShareGroupTables} its
 * share groups' tables; {@link LagStatus} judges a group's trend for {@code --check}. Lag in
 * time: {@link TimeLag} reads the age of the oldest unconsumed record, {@link TimeLagEstimate}
 * estimates it from sampled end offsets, {@link TimeLagColumn} and {@link TimeLagTrends} print
 * and judge it ({@code --time-lag}, {@code --max-lag-seconds}). {@link ShareGroupLag} is the
 * table of a share group (§6), as {@code kafka-share-groups.sh --describe} prints it.
 */
package io.offsetlab.practices.monitor;

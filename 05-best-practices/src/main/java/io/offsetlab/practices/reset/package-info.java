/**
 * §5.2 Keep offsets alive: save, reset and restore an inactive group's offsets ({@code ./run reset-offsets}).
 *
 * <p>{@link OffsetReset} is the {@code kafka-consumer-groups.sh --reset-offsets} equivalent:
 * its plan from Admin {@code listOffsets} and the group's committed offsets, applied with
 * {@code alterConsumerGroupOffsets}; {@link OffsetResetCommand} is its command line (options,
 * the {@code --export} and {@code --from-file} CSV, the printed plan, exit codes).
 * {@link ShareGroupReset} moves a share group's start offsets (§6), as
 * {@code kafka-share-groups.sh --reset-offsets} does.
 */
package io.offsetlab.practices.reset;

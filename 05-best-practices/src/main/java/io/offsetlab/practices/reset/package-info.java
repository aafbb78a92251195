/**
 * §5.2 Keep offsets alive: save, reset and restore an inactive group's offsets ({@code ./run reset-offsets}).
 *
 * <p>{@link OffsetReset} is the {@code kafka-consumer-groups.sh --reset-offsets} equivalent,
 * built on Admin {@code alterConsumerGroupOffsets}.
 */
package io.offsetlab.practices.reset;

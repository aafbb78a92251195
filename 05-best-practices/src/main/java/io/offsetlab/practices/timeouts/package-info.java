/**
 * §5.4 Size the timeouts: does max.poll.records x time per record fit max.poll.interval.ms? ({@code ./run timeout-check})
 *
 * <p>{@link TimeoutCheck} does the arithmetic, with no broker.
 */
package io.offsetlab.practices.timeouts;

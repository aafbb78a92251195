/**
 * §5 When duplicates are unacceptable (beyond the article): consume, transform and produce in one transaction.
 *
 * <p>{@link TransactionalProcessor} commits each batch's output and input offsets together
 * ({@code sendOffsetsToTransaction}).
 */
package io.offsetlab.practices.exactlyonce;

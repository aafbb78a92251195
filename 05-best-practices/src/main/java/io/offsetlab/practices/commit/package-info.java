/**
 * §5.1 Commit every 100, on revocation, on shutdown: the commit loop to copy, and the rebalance that shows why.
 *
 * <p>{@link CommittingLoop} is the loop; {@link RebalanceScenario} is the join-and-leave
 * timeline that counts what a rebalance makes the group read twice, with and without the
 * commit on revocation (run by {@code ./run 05} and by its test).
 */
package io.offsetlab.practices.commit;

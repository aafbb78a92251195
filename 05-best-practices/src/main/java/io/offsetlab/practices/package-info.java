/**
 * §5 Best practices to avoid losing offsets (避免 Kafka Offset 丢失的最佳实践): the map of the chapter.
 *
 * <p>Its two demos run the rooms below in the article's order: {@link BestPracticesDemo}
 * ({@code ./run 05}, §5.1 to §5.4) and {@link BrokerFailuresDemo} ({@code ./run failover},
 * §5.5 and §5.6). One room per topic:
 * <ul>
 *   <li>{@link io.offsetlab.practices.commit}: §5.1 commit every 100, on revocation, on shutdown;</li>
 *   <li>{@link io.offsetlab.practices.benchmark}: §5.1 what commits cost ({@code ./run benchmark});</li>
 *   <li>{@link io.offsetlab.practices.reset}: §5.2 keep offsets alive ({@code ./run reset-offsets});</li>
 *   <li>{@link io.offsetlab.practices.monitor}: §5.3 monitor your offsets ({@code ./run lag-monitor});</li>
 *   <li>{@link io.offsetlab.practices.timeouts}: §5.4 size the timeouts ({@code ./run timeout-check});</li>
 *   <li>{@link io.offsetlab.practices.failover}: §5.5 and §5.6 when a broker dies;</li>
 *   <li>{@link io.offsetlab.practices.exactlyonce}: §5 when duplicates are unacceptable (beyond the article);</li>
 *   <li>{@link io.offsetlab.practices.tools}: Kafka's own command-line tools, run beside the chapter's.</li>
 * </ul>
 */
package io.offsetlab.practices;

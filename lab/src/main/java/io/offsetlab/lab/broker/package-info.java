/**
 * Kafka to run against: the embedded broker ({@code ./run broker}), a cluster of real Kafka
 * nodes in processes of their own ({@code ./run cluster}), a cluster someone else runs
 * ({@code --bootstrap-server}), and the settings the lab gives its own brokers.
 */
package io.offsetlab.lab.broker;

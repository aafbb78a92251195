package io.offsetlab.lab;

/**
 * What a loaded machine may add to a bound that a test derives from Kafka's configured timeouts
 * and intervals. The steps between the ones a bound counts (a handful of requests: a join, a
 * fetch, a describe; a scheduled thread waking; a 100 ms poll) take about 100 ms on an idle
 * machine. The suite runs several test JVMs, their brokers and the JVMs they start on 2 cores,
 * where those steps were seen to take seconds. No test may fail because the machine was busy.
 */
public final class LoadedMachine {

    /** The slack on top of a derived bound: far less than the differences the tests tell apart. */
    public static final int SLACK_MS = 5000;

    private LoadedMachine() {
    }
}

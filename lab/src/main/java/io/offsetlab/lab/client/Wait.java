package io.offsetlab.lab.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition on the cluster (a topic gone, offsets expired), checking it every
 * 100 ms, with a deadline. Demos use it; tests use Awaitility, which does the same.
 */
public final class Wait {

    private static final long CHECK_EVERY_MS = 100;

    private Wait() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(CHECK_EVERY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}

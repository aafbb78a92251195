package io.offsetlab.practices.monitor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Load beside the code under test: a task on a thread of its own, until {@link #close()} stops it. */
final class Background implements AutoCloseable {

    /** Work that runs while {@code running} says so. */
    @FunctionalInterface
    interface Task {
        void run(BooleanSupplier running) throws Exception;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Exception failure;

    private Background(Task task) {
        thread = new Thread(() -> {
            try {
                task.run(running::get);
            } catch (Exception e) {
                failure = e;
            }
        }, "background-load");
    }

    static Background start(Task task) {
        Background background = new Background(task);
        background.thread.start();
        return background;
    }

    /** What the task threw, or null. */
    Exception failure() {
        return failure;
    }

    /** Stops the task and waits for it to finish (its clients closed). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}

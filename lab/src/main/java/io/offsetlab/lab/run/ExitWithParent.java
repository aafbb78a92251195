package io.offsetlab.lab.run;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The first class of every JVM that {@link ChildJvm} starts: it runs the real main class, and
 * ends the JVM at once when the process that started it is gone. A test that is killed, or a
 * {@code ./run cluster} that gets SIGKILL, then leaves no demo, consumer or Kafka node behind
 * holding ports and CPU: each child watches its own parent, so a whole tree of processes
 * (test JVM, cluster, its nodes) ends from the top down.
 *
 * <pre>java -cp ... io.offsetlab.lab.run.ExitWithParent MAIN_CLASS [ARGS...]</pre>
 */
public final class ExitWithParent {

    /** The exit code of a JVM whose parent died: 128 + SIGKILL, as if it had been killed with it. */
    static final int PARENT_GONE = 128 + 9;

    private ExitWithParent() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ExitWithParent MAIN_CLASS [ARGS...]");
            System.exit(2); // a usage error; this class stands alone on a Kafka tool's classpath: no other lab class here
        }
        // The parent is captured now: once it dies, the operating system gives this process
        // another parent (init or a subreaper), so it must be this handle that is watched.
        // onExit() of a process that is not our child polls for its end in a daemon thread.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("offset lab: the parent process " + parent.pid() + " ended; this JVM ends too");
            Runtime.getRuntime().halt(PARENT_GONE); // like SIGKILL: no shutdown hooks, a crash as the lab means it
        }));
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause(); // what main threw, as if it had been started directly
        }
    }
}

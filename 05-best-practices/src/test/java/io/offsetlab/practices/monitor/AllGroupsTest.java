package io.offsetlab.practices.monitor;

import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** §5 lag-monitor --all-groups: a group whose topic, or the group itself, was deleted while it was described. */
class AllGroupsTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** A describe that fails with each of {@code failures} in turn, then answers "table". */
    private static Callable<String> failingWith(AtomicInteger calls, Exception... failures) {
        return () -> {
            int call = calls.getAndIncrement();
            if (call < failures.length) {
                throw new ExecutionException(failures[call]);
            }
            return "table";
        };
    }

    @Test
    void aTopicDeletedOnceIsDescribedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String table = LagMonitorCommand.unlessDeletedMeanwhile("g", failingWith(calls, new UnknownTopicOrPartitionException("gone")), err);
        assertEquals("table", table, "the second describe answers");
        assertEquals(2, calls.get(), "described twice");
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8), "nothing said: the group is shown");
    }

    @Test
    void aGroupStillFailingTheSecondTimeIsSkippedWithALine() throws Exception {
        for (Exception deleted : List.of(new UnknownTopicOrPartitionException("topic t is gone"), new GroupIdNotFoundException("group g is gone"))) {
            errBytes.reset();
            AtomicInteger calls = new AtomicInteger();
            assertNull(LagMonitorCommand.unlessDeletedMeanwhile("g", failingWith(calls, deleted, deleted), err), "skipped: " + deleted);
            assertEquals(2, calls.get(), "described twice, then given up: " + deleted);
            assertEquals("Skipped group 'g': " + deleted.getMessage() + " (deleted while it was described)" + System.lineSeparator(),
                    errBytes.toString(StandardCharsets.UTF_8), "one line on stderr says which group and why");
        }
    }

    @Test
    void anyOtherFailureIsTheCommandsFailure() {
        AtomicInteger calls = new AtomicInteger();
        GroupAuthorizationException refused = new GroupAuthorizationException("no DESCRIBE");
        ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> LagMonitorCommand.unlessDeletedMeanwhile("g", failingWith(calls, refused), err));
        assertSame(refused, thrown.getCause(), "not retried, not skipped: a missing ACL is the user's to fix");
        assertEquals(1, calls.get(), "described once");
    }
}

package io.offsetlab.lab;

import io.offsetlab.lab.broker.ClusterMain;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.LocalMachine;
import io.offsetlab.lab.run.Runner;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./run cluster}, run as a user runs it: in its own JVM, its nodes in theirs. */
@StartsItsOwnBrokers
class ClusterMainIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final int SIGTERM_EXIT = 128 + 15;

    @Test
    void servesThreeBrokersAndFailsAndRestartsANodeOnCommand() throws Exception {
        int port = freePorts(3);
        try (ChildJvm cluster = ChildJvm.start(ClusterMain.class, "--port", Integer.toString(port))) {
            awaitPrinted(cluster, "Press Ctrl-C to stop.");
            String bootstrap = "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2);
            assertTrue(cluster.output().contains("bootstrap.servers=" + bootstrap), cluster.output());
            try (Admin admin = Admin.create(ClientConfigs.admin(new ExternalCluster(bootstrap, null)))) {
                assertEquals(List.of(1, 2, 3), brokers(admin), "three brokers serve a client");

                cluster.type("kill 2");
                awaitPrinted(cluster, "node 2 killed (SIGKILL)");
                assertFalse(KafkaCluster.answers(admin, 2), "node 2 no longer answers");
                // At once, as a user would type it: the cluster waits for the controller to fence
                // node 2 before starting it (KafkaCluster.restart).
                cluster.type("start 2");
                awaitPrinted(cluster, "node 2 is back");
                assertTrue(KafkaCluster.answers(admin, 2), "node 2 answers again");
            }
            cluster.terminate();
            assertEquals(SIGTERM_EXIT, cluster.waitFor(START), "SIGTERM (like Ctrl-C) stops every node; output:\n" + cluster.output());
            assertTrue(cluster.output().contains("Cluster stopped."), cluster.output());
        }
    }

    /**
     * A cluster whose own process dies the hard way (SIGKILL: no shutdown hook stops its nodes)
     * leaves no node running: each node ends once its parent is gone ({@link ExitWithParent}).
     * The same holds one level up, for a test JVM that is killed while a cluster runs.
     */
    @Test
    void nodesEndWhenTheClusterProcessIsKilled(@TempDir Path tmp) {
        // One node is enough: each node watches its own parent, however many there are. A process
        // killed with SIGKILL cannot delete its temporary files (the node's data directory and
        // output file): it keeps them under this test's own directory, which JUnit deletes.
        List<String> jvmOptions = List.of("-Djava.io.tmpdir=" + tmp);
        try (ChildJvm cluster = ChildJvm.start(jvmOptions, System.getProperty("java.class.path"), ClusterMain.class.getName(),
                "--brokers", "1", "--port", Integer.toString(freePorts(1)))) {
            awaitPrinted(cluster, "Press Ctrl-C to stop.");
            List<ProcessHandle> nodes = ProcessHandle.of(cluster.pid()).orElseThrow().children().toList();
            assertEquals(1, nodes.size(), "one process per node; output:\n" + cluster.output());

            ProcessHandle.of(cluster.pid()).orElseThrow().destroyForcibly(); // the cluster process alone, not its nodes
            await("every node to end after its parent").atMost(Duration.ofSeconds(30))
                    .until(() -> nodes.stream().noneMatch(ProcessHandle::isAlive));
        }
    }
    @Test
    void badArgumentsPrintUsageAndExitWith2() {
        for (List<String> args : List.of(List.of("--brokers", "0"), List.of("--brokers", "x"), List.of("--port", "65535"),
                List.of("--bogus"))) {
            try (ChildJvm cluster = ChildJvm.start(ClusterMain.class, args.toArray(String[]::new))) {
                assertEquals(Runner.USAGE, cluster.waitFor(Duration.ofSeconds(30)), args + " is a usage error:\n" + cluster.output());
                assertTrue(cluster.output().contains("usage: ./run cluster"), cluster.output());
                assertFalse(cluster.output().contains("\tat "), "no stack trace:\n" + cluster.output());
            }
        }
    }

    /** Waits until the cluster has printed {@code line}; fails with everything it printed if it does not, or exits. */
    private static void awaitPrinted(ChildJvm cluster, String line) {
        try {
            await(line).atMost(START).until(() -> cluster.output().contains(line) || !cluster.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the cluster did not print '" + line + "' within " + START.toSeconds() + " s; it printed:\n"
                    + cluster.output(), e);
        }
        assertTrue(cluster.output().contains(line), "the cluster exited before printing '" + line + "':\n" + cluster.output());
    }

    private static List<Integer> brokers(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).sorted().toList();
    }

    /** The first of {@code n} consecutive ports that are free on 127.0.0.1 right now. */
    private static int freePorts(int n) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = LocalMachine.freePort();
            if (first + n <= 65535 && IntStream.range(first, first + n).allMatch(LocalMachine::portIsFree)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports on 127.0.0.1");
    }
}

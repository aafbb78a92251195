package io.offsetlab.practices.failover;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.broker.Cluster;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.run.KafkaLogLines.Kind;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.commit.RebalanceScenario;
import io.offsetlab.practices.failover.FailoverResult.Commits;
import io.offsetlab.practices.failover.FailoverResult.Failover;
import io.offsetlab.practices.failover.FailoverResult.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 offsets survive the death of the group coordinator when __consumer_offsets is replicated:
 * on a 3-broker cluster with offsets.topic.replication.factor=3 (Kafka's default), the broker
 * that coordinates a consuming group is killed mid-stream like a crash (SIGKILL). Nothing the
 * group committed is lost, no record is lost, the group goes on, and it processes nothing twice:
 * the consumer itself does not die, so it keeps its partitions and its positions, and its
 * commitSync waits for the new coordinator instead of failing. Both group protocols. See
 * {@link CoordinatorFailover}.
 */
@KafkaLab(brokers = 3)
@Claim("5.broker-dies")
class CoordinatorFailoverIT {

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void killingTheGroupCoordinatorLosesNoCommittedOffsetAndNoRecord(String protocol, LabKafka kafka, @TempDir Path dir)
            throws Exception {
        Cluster cluster = kafka.cluster();
        assertEquals(3, kafka.settings().value(BrokerSettings.OFFSETS_TOPIC_REPLICATION),
                "precondition: the group's offsets have 3 replicas (Kafka's default)");
        FailoverResult r = new CoordinatorFailover(cluster, kafka.admin(), new Timeline(System.out), dir).run(protocol);
        Failover failover = r.failover();
        Commits commits = r.commits();
        Records records = r.records();
        Claims.figure(Figure.bars("coordinator failover (" + protocol + ")", "records").value("lost", records.lost())
                .value("duplicates", records.duplicates()).marker("processed but not committed at the kill", records.uncommittedAtKill())
                .note(r.summary()));
        Claims.figure(Figure.bars("coordinator failover (" + protocol + "), commits", "ms")
                .value("commit stall, from the kill to the first commit answered", failover.stallMillis()));
        assertAll(
                () -> assertEquals(CoordinatorFailover.RECORDS, records.produced(), "every record written was acknowledged"),
                () -> assertNotEquals(failover.killedNode(), failover.newCoordinator(),
                        "another broker became the group's coordinator"),
                // Not every partition need have one: under load a run once had fetched nothing from one of
                // the three by the kill ({p1=2200, p2=1100}), and the loop commits what it processed.
                () -> assertFalse(commits.beforeKill().isEmpty(), "precondition: the group had committed before the kill, so "
                        + "the comparison below compares something"),
                () -> assertFalse(CoordinatorFailover.behind(commits.afterFailover(), commits.beforeKill()),
                        "the new coordinator has every offset the group committed before the kill, read as a consumer reads"
                                + " them (requireStable): before " + commits.beforeKill() + ", after " + commits.afterFailover()),
                () -> assertEquals(0, records.lost(), "no record is lost: every record written was processed"),
                () -> assertEquals(commits.endOffsets(), commits.atEnd(),
                        "the group goes on: at the end it has committed everything"),
                () -> assertEquals(0, records.duplicates(), "nothing is processed twice: the consumer kept its partitions through"
                        + " the failover (the new coordinator loads the group with its members and starts their sessions anew),"
                        + " so it read on from its positions, never from a committed offset; its commits stalled for "
                        + failover.stallMillis() + " ms, commitSync waiting for the new coordinator instead of failing. A"
                        + " duplicate would mean that it lost its partitions and re-read what it had not committed ("
                        + records.uncommittedAtKill() + " records at the kill, always fewer than the "
                        + RebalanceScenario.COMMIT_EVERY + " it commits every)"),
                () -> assertTrue(r.afterKill(Kind.COORDINATOR_LOST).size() >= 1, "the client noticed its coordinator was gone: "
                        + r.clientEvents()),
                () -> assertTrue(r.newCoordinatorFoundAt() != null, "and found the new one, node "
                        + failover.newCoordinator() + ": " + r.clientEvents()));
    }

    @AfterEach
    void restartTheKilledNode(LabKafka kafka) {
        kafka.cluster().restartKilled(); // the next run finds three brokers again
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.failover.SingleReplicaLoss.Outcome;
import io.offsetlab.practices.failover.SingleReplicaLoss.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * §5 committed offsets are only as safe as __consumer_offsets' replicas: with
 * offsets.topic.replication.factor=1 (a laptop broker's setting, and the lab's own), losing the
 * disk of the one broker that holds a group's offsets loses them. On a 3-broker cluster, that
 * broker is killed and, once the controller has fenced it, its data directory deleted and the
 * broker started again. Its partition of __consumer_offsets gets a leader again by itself (within
 * the scene's 5 s check, or just after it, when the unclean election is answered "not needed")
 * or stays offline until an unclean leader election: which one is a race inside Kafka, so the
 * test records which it saw and requires that the partition ends up led by that broker, empty. The
 * groups then have no committed offset and fall back to auto.offset.reset. See
 * {@link SingleReplicaLoss}.
 */
@KafkaLab(brokers = 3, brokerConfig = "offsets.topic.replication.factor=1")
@Claim("5.broker-dies")
class SingleReplicaLossIT {

    @Test
    void losingTheDiskOfTheOnlyReplicaLosesTheCommittedOffsetsAndTheResetPolicyDecides(LabKafka kafka) throws Exception {
        assertEquals(1, kafka.settings().value(BrokerSettings.OFFSETS_TOPIC_REPLICATION),
                "precondition: the group's offsets have a single replica");
        Result result = new SingleReplicaLoss(kafka.cluster(), kafka.admin(), new Timeline(System.out))
                .run(List.of("earliest", "latest"));
        Outcome earliest = result.outcomes().get(0);
        Outcome latest = result.outcomes().get(1);
        Claims.figure(Figure.bars("one replica: node " + result.coordinator() + " lost its disk", "records")
                .value("earliest re-read", earliest.reRead()).value("latest skipped", latest.skipped())
                .note(result.offsetsPartitions() + " " + result.recovery().text()));
        assertAll(
                () -> assertEquals(result.coordinator(), result.leaderAfter(), "the broker that lost its disk leads "
                        + result.offsetsPartitions() + " again (" + result.recovery().text() + ")"),
                () -> assertEquals(SingleReplicaLoss.COMMITTED, earliest.committedBefore(),
                        "the coordinator had the earliest group's commit of 60, read back from it before the disk was lost"),
                () -> assertEquals(SingleReplicaLoss.COMMITTED, latest.committedBefore(),
                        "the coordinator had the latest group's commit of 60, read back from it before the disk was lost"),
                () -> assertNull(earliest.committedAfter(), "gone with the disk of node " + result.coordinator()),
                () -> assertNull(latest.committedAfter(), "gone with the disk of node " + result.coordinator()),
                () -> assertEquals(0, earliest.startedAt(), "earliest starts over at the log start"),
                () -> assertEquals(60, earliest.reRead(), "and reads the 60 processed records again"),
                () -> assertEquals(0, earliest.skipped(), "losing none"),
                () -> assertEquals(SingleReplicaLoss.RECORDS, latest.startedAt(), "latest starts at the end"),
                () -> assertEquals(0, latest.reRead(), "reads nothing again"),
                () -> assertEquals(40, latest.skipped(), "and skips the 40 records the group had not processed yet"),
                () -> assertEquals(SingleReplicaLoss.NEW_RECORDS, latest.read(), "it reads only what came after it started"));
    }

    @AfterEach
    void restartTheKilledNode(LabKafka kafka) {
        kafka.cluster().restartKilled();
    }
}

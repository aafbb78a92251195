package io.offsetlab.reset;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.reset.PartitionExpansion.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §2, the article's fourth case, "partition adjustment: Kafka reassigns partitions, which
 * invalidates offsets". Wrong as stated: a rebalance that moves a partition keeps its
 * committed offset. The real case is partitions ADDED to a topic: they have no committed
 * offset, and with latest the records written there before the group notices are lost.
 */
@KafkaLab
@Claim("2.partition-change")
class PartitionChangesIT {

    /** none: had the move "invalidated" the offset, the new owner would throw; latest: it would skip the 3 records. */
    @ParameterizedTest(name = "auto.offset.reset={0}, group.protocol={1}")
    @CsvSource({"none,classic", "latest,classic", "latest,consumer"})
    void aRebalanceThatMovesAPartitionKeepsItsCommittedOffset(String policy, String protocol, LabKafka kafka) throws Exception {
        PartitionMove.Result result = PartitionMove.run(kafka.backend(), kafka.admin(), policy, protocol);
        Claims.figure(Figure.log("moved (" + policy + ", " + protocol + ")").mark("committed", result.committed())
                .mark("started at", result.startedAt()).note("lost " + result.lost()));

        assertEquals(PartitionMove.COMMITTED, result.committed(), "the committed offset of " + result.moved()
                + " is the group's, unchanged by the move");
        assertEquals(PartitionMove.COMMITTED, result.startedAt(), "the new owner of " + result.moved()
                + " resumes at the group's committed offset: a rebalance does not invalidate offsets");
        assertEquals(0, result.lost(), "it reads the " + PartitionMove.WRITTEN_AFTER + " records written after the commit: "
                + result);
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void anAddedPartitionWithLatestLosesTheRecordsWrittenBeforeTheGroupNoticedIt(String protocol, LabKafka kafka) throws Exception {
        Result result = PartitionExpansion.run(kafka.backend(), kafka.admin(), "latest", protocol);
        Claims.figure(Figure.log("added (latest, " + protocol + ")").mark("started at", result.startedAt())
                .mark("end", PartitionExpansion.BEFORE + PartitionExpansion.AFTER)
                .note("lost " + result.lost() + " of " + (PartitionExpansion.BEFORE + PartitionExpansion.AFTER)));
        assertEquals(new Result("latest", protocol, PartitionExpansion.BEFORE, PartitionExpansion.AFTER, PartitionExpansion.BEFORE),
                result, "the added partition has no committed offset; latest starts at its end (3): the 3 records written "
                        + "before the member noticed the partition are never read");
    }

    @ParameterizedTest(name = "{0}, group.protocol={1}")
    @CsvSource({"earliest, classic", "earliest, consumer", "by_duration:PT5M, classic", "by_duration:PT5M, consumer"})
    void anAddedPartitionWithEarliestOrByDurationLosesNothing(String policy, String protocol, LabKafka kafka) throws Exception {
        Result result = PartitionExpansion.run(kafka.backend(), kafka.admin(), policy, protocol);
        int all = PartitionExpansion.BEFORE + PartitionExpansion.AFTER;
        assertEquals(new Result(policy, protocol, 0, all, 0), result,
                policy + " starts the added partition at offset 0 (by_duration: every record is newer than 5 min): none lost");
    }
}

package io.offsetlab.practices.commit;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.view.Timeline;
import io.offsetlab.practices.commit.RebalanceScenario.Result;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * §5 "commit periodically (every 100 messages)": {@link CommittingLoop} commits every 100
 * records, on revocation and on shutdown. A second member joins in the middle of a stream and
 * leaves again ({@link RebalanceScenario}); the join finds 40 records processed but not
 * committed. Both group protocols.
 */
@KafkaLab
class CommittingLoopIT {

    /** The second burst, 10 records on each of the 4 partitions: processed, and not committed yet, when B joins. */
    private static final int UNCOMMITTED_AT_JOIN = 40;

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("5.commit-every")
    void commitOnRevocationGivesNoDuplicatesAndNoLossAcrossARebalance(String protocol, LabKafka kafka) throws Exception {
        Result result = scenario(kafka).run(protocol, true);
        Claims.figure(figure("with the revocation commit, " + protocol, result));

        assertAll(
                () -> assertEquals(UNCOMMITTED_AT_JOIN, result.records().uncommittedAtJoin(), "precondition: the revocation commit had "
                        + "records to save when B joined; " + summary(result)),
                () -> assertEquals(0, result.records().lost(), "every record written must be processed; " + summary(result)),
                () -> assertEquals(0, result.records().duplicates(),
                        "committing in onPartitionsRevoked hands the partitions over with nothing left to re-read; " + summary(result)),
                () -> assertEquals(result.offsets().endOffsets(), result.offsets().committedAtEnd(),
                        "after both members shut down (commit, close), the committed offsets are the end offsets"));
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("5.commit-every")
    void withoutTheRevocationCommitTheNextOwnerReReadsUncommittedRecords(String protocol, LabKafka kafka) throws Exception {
        Result result = scenario(kafka).run(protocol, false);
        Claims.figure(figure("without the revocation commit, " + protocol, result));

        assertAll(
                () -> assertEquals(UNCOMMITTED_AT_JOIN, result.records().uncommittedAtJoin(), "precondition: records processed and not "
                        + "committed when B joined; " + summary(result)),
                () -> assertEquals(0, result.records().lost(), "at-least-once still holds: nothing is lost; " + summary(result)),
                () -> assertEquals(expectedDuplicates(protocol, result), result.records().duplicates(), protocol.equals("classic")
                        ? "classic's eager rebalance revokes every partition at the join and again at the leave, and each time "
                        + "the " + result.records().uncommittedAtJoin() + " records processed since the last commit are read again; "
                        + summary(result)
                        : "the consumer protocol moves only the 2 partitions B gets: their half of the " + result.records().uncommittedAtJoin()
                        + " uncommitted records is read again, and B's shutdown commit leaves nothing at the leave; "
                        + summary(result)),
                () -> assertEquals(result.offsets().endOffsets(), result.offsets().committedAtEnd(),
                        "the shutdown commit still leaves the committed offsets at the end offsets"));
    }

    @Test
    void aShutdownInTheMiddleOfABatchStillCommitsWhatWasProcessed(LabKafka kafka) throws Exception {
        String topic = kafka.createTopic("s5-shutdown", 1);
        kafka.produce(topic, 0, 10);
        String group = kafka.newGroupId("s5-shutdown");
        KafkaConsumer<String, String> consumer = kafka.consumer(group, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<Long> processed = new CopyOnWriteArrayList<>();
        AtomicReference<CommittingLoop> loop = new AtomicReference<>();
        // The handler asks for shutdown while processing offset 4: wakeup() then finds no poll()
        // to interrupt and stays pending until the loop's next blocking call, its shutdown commit.
        loop.set(new CommittingLoop(consumer, List.of(topic), 100, true, record -> {
            processed.add(record.offset());
            if (record.offset() == 4) {
                loop.get().shutdown();
            }
        }));

        loop.get().run(); // returns after the shutdown commit and close()

        assertAll(
                () -> assertEquals(10, processed.size(), "the rest of the batch (5..9) is still processed"),
                () -> assertEquals(10L, OffsetProbe.committed(kafka.admin(), group, new TopicPartition(topic, 0)),
                        "the shutdown commit survives the pending wakeup: committed = last processed + 1"),
                () -> assertEquals(1, loop.get().commits(CommittingLoop.CommitReason.SHUTDOWN), "one shutdown commit"));
    }

    /** What the scenario determines: classic re-reads the uncommitted records twice, consumer the half that moved. */
    private static int expectedDuplicates(String protocol, Result result) {
        return protocol.equals("classic") ? 2 * result.records().uncommittedAtJoin() : result.records().uncommittedAtJoin() / 2;
    }

    private static RebalanceScenario scenario(LabKafka kafka) {
        return new RebalanceScenario(kafka.backend(), kafka.admin(), new Timeline(System.out));
    }

    private static Figure figure(String title, Result r) {
        RebalanceScenario.Records records = r.records();
        return Figure.bars(title, "records").value("produced", records.produced()).value("processed", records.processed().size())
                .value("distinct", records.distinct()).value("duplicates", records.duplicates())
                .note("commits (every 100 + on revocation + on shutdown) A [" + r.commits().byA() + "], B [" + r.commits().byB() + "]");
    }

    private static String summary(Result r) {
        RebalanceScenario.Records records = r.records();
        return "produced " + records.produced() + ", processed " + records.processed().size() + ", distinct " + records.distinct()
                + ", duplicates " + records.duplicates() + "; commits (every 100 + on revocation + on shutdown) A ["
                + r.commits().byA() + "], B [" + r.commits().byB() + "]";
    }
}

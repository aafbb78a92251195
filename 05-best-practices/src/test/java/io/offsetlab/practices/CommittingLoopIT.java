package io.offsetlab.practices;

import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.Timeline;
import io.offsetlab.practices.RebalanceScenario.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §5 "commit periodically (every 100 messages)": {@link CommittingLoop} commits every 100
 * records, on revocation and on shutdown. A second member joins in the middle of a stream and
 * leaves again ({@link RebalanceScenario}); the join finds 40 records processed but not
 * committed. Both group protocols.
 */
@KafkaLab
class CommittingLoopIT {

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void commitOnRevocationGivesNoDuplicatesAndNoLossAcrossARebalance(String protocol, LabKafka kafka) throws Exception {
        Result result = scenario(kafka).run(protocol, true);
        System.out.println("with the revocation commit, " + protocol + ": " + summary(result));

        assertAll(
                () -> assertEquals(0, result.lost(), "every record written must be processed; " + summary(result)),
                () -> assertEquals(0, result.duplicates(),
                        "committing in onPartitionsRevoked hands the partitions over with nothing left to re-read; " + summary(result)),
                () -> assertEquals(result.endOffsets(), result.committedAtEnd(),
                        "after both members shut down (commit, close), the committed offsets are the end offsets"));
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void withoutTheRevocationCommitTheNextOwnerReReadsUncommittedRecords(String protocol, LabKafka kafka) throws Exception {
        Result result = scenario(kafka).run(protocol, false);
        System.out.println("without the revocation commit, " + protocol + ": " + summary(result));

        assertAll(
                () -> assertEquals(0, result.lost(), "at-least-once still holds: nothing is lost; " + summary(result)),
                () -> assertTrue(result.duplicates() > 0,
                        "the " + result.uncommittedAtJoin() + " records processed but not committed when B joined"
                                + " (10 on each partition) must be read again by their next owner; " + summary(result)),
                () -> assertEquals(result.endOffsets(), result.committedAtEnd(),
                        "the shutdown commit still leaves the committed offsets at the end offsets"));
    }

    private static RebalanceScenario scenario(LabKafka kafka) {
        return new RebalanceScenario(kafka.backend(), kafka.admin(), new Timeline(System.out));
    }

    private static String summary(Result r) {
        return "produced " + r.produced() + ", processed " + r.processed().size() + ", distinct " + r.distinct()
                + ", duplicates " + r.duplicates() + "; commits A [" + r.commitsA() + "], B [" + r.commitsB() + "]";
    }
}

package io.offsetlab.practices.failover;

import io.offsetlab.lab.run.KafkaLogLines.Kind;
import io.offsetlab.lab.run.KafkaLogLines.Line;
import io.offsetlab.lab.run.KafkaLogLines;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * What one run of {@link CoordinatorFailover} did, in three named parts and the client's own
 * account of it.
 *
 * @param protocol     the consumer's group protocol (classic or consumer)
 * @param failover     the timeline: which node died, when, and which node took over
 * @param commits      the group's committed offsets before the kill, after the failover, and at the end
 * @param records      what was written, processed, lost and read twice
 * @param clientEvents the consumer's log lines about its coordinator: only its log tells which
 *                     node it lost and found, and which commits it retried ({@link KafkaLogLines})
 */
public record FailoverResult(String protocol, Failover failover, Commits commits, Records records, List<Line> clientEvents) {

    /**
     * The timeline of the failover.
     *
     * @param killedNode       the group's coordinator, killed like a crash (SIGKILL)
     * @param killedController whether it was also the active controller (then a new controller is
     *                         elected before the dead broker can be fenced)
     * @param killedAtMillis   when the kill returned, the node gone
     * @param newCoordinator   the node that coordinates the group after it
     * @param stallMillis      from the kill to the end of the first commit sent after it (one in
     *                         flight at the kill may have been answered before the node died)
     */
    public record Failover(int killedNode, boolean killedController, long killedAtMillis, int newCoordinator,
                           long stallMillis) {
    }

    /**
     * The group's committed offsets, read with Admin at each moment that matters.
     *
     * @param beforeKill             just before the kill
     * @param afterFailover          read from the new coordinator as a consumer reads them
     *                               (requireStable: its latest replicated state)
     * @param adminReadAfterFailover the same, read at once with Admin's default (requireStable=false),
     *                               as kafka-consumer-groups reads them: answered at the new
     *                               leader's high watermark, which may trail for a moment
     * @param adminTrailedMillis     how long that default read still showed an offset older than
     *                               {@code beforeKill} (0 when it never did)
     * @param atEnd                  after the consumer's last commit
     * @param endOffsets             the topic's end offsets, which {@code atEnd} reaches when the group went on
     */
    public record Commits(Map<TopicPartition, Long> beforeKill, Map<TopicPartition, Long> afterFailover,
                          Map<TopicPartition, Long> adminReadAfterFailover, long adminTrailedMillis,
                          Map<TopicPartition, Long> atEnd, Map<TopicPartition, Long> endOffsets) {

        /** The first read, just before the kill; the builder's other steps name the rest. */
        static Builder beforeKill(Map<TopicPartition, Long> offsets) {
            return new Builder(offsets);
        }

        /** Five reads of the same type: each step's name says which moment it is, not its position. */
        static final class Builder {
            private final Map<TopicPartition, Long> beforeKill;
            private Map<TopicPartition, Long> afterFailover;
            private Map<TopicPartition, Long> adminReadAfterFailover;
            private long adminTrailedMillis;
            private Map<TopicPartition, Long> atEnd;
            private Map<TopicPartition, Long> endOffsets;

            private Builder(Map<TopicPartition, Long> beforeKill) {
                this.beforeKill = beforeKill;
            }

            Builder afterFailover(Map<TopicPartition, Long> offsets) {
                this.afterFailover = offsets;
                return this;
            }

            Builder adminReadAfterFailover(Map<TopicPartition, Long> offsets, long trailedMillis) {
                this.adminReadAfterFailover = offsets;
                this.adminTrailedMillis = trailedMillis;
                return this;
            }

            Builder atEnd(Map<TopicPartition, Long> offsets) {
                this.atEnd = offsets;
                return this;
            }

            Builder endOffsets(Map<TopicPartition, Long> offsets) {
                this.endOffsets = offsets;
                return this;
            }

            Commits build() {
                return new Commits(beforeKill, afterFailover, adminReadAfterFailover, adminTrailedMillis, atEnd, endOffsets);
            }
        }
    }

    /**
     * The records, counted from the producer's acknowledgements and the consumer's processed log.
     *
     * @param produced          written and acknowledged
     * @param processed         lines of the processed log: a record processed twice counts twice
     * @param distinct          different records processed
     * @param uncommittedAtKill processed but not committed when the coordinator died
     */
    public record Records(int produced, int processed, int distinct, long uncommittedAtKill) {

        public int lost() {
            return produced - distinct;
        }

        public int duplicates() {
            return processed - distinct;
        }
    }

    /** The client's lines of {@code kind} from the kill on. */
    public List<Line> afterKill(Kind kind) {
        return clientEvents.stream().filter(e -> e.kind() == kind && e.atMillis() >= failover.killedAtMillis()).toList();
    }

    /** After the kill: how often FindCoordinator still named the dead node (not fenced yet). */
    public long deadNodeFound() {
        return afterKill(Kind.COORDINATOR_FOUND).stream().filter(e -> e.node() == failover.killedNode()).count();
    }

    /** When the client found the new coordinator; null if it never logged that. */
    public Long newCoordinatorFoundAt() {
        return afterKill(Kind.COORDINATOR_FOUND).stream().filter(e -> e.node() == failover.newCoordinator())
                .map(Line::atMillis).findFirst().orElse(null);
    }

    /** One line for a test report or a note. */
    public String summary() {
        return "node " + failover.killedNode() + (failover.killedController() ? " (the active controller too)" : "")
                + " killed after " + CoordinatorFailover.KILL_AFTER + " processed, node " + failover.newCoordinator()
                + " took over; commit stall " + failover.stallMillis() + " ms; client: "
                + afterKill(Kind.COORDINATOR_LOST).size() + " coordinator losses, the dead node named " + deadNodeFound()
                + " times, " + afterKill(Kind.COMMIT_FAILED).size() + " failed commits retried; " + records.produced()
                + " records, " + records.lost() + " lost, " + records.duplicates() + " duplicates ("
                + records.uncommittedAtKill() + " processed but not committed at the kill)"
                + (commits.adminTrailedMillis() == 0 ? "" : "; Admin's default read trailed for "
                + commits.adminTrailedMillis() + " ms, first " + commits.adminReadAfterFailover());
    }
}

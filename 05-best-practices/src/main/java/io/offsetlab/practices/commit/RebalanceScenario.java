package io.offsetlab.practices.commit;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * §5: a stream of records, a second member that joins in the middle and leaves again, and two
 * {@link CommittingLoop}s, with or without the commit on revocation. The scenario is built so
 * that a rebalance finds uncommitted work, the moment a loop without a listener loses it:
 * <ol>
 *   <li>100 records (25 per partition); member A processes them and commits (every 100);</li>
 *   <li>40 more (10 per partition); A processes them: 40 processed, not committed;</li>
 *   <li>member B joins, A's partitions are revoked (all with classic's eager protocol, the
 *       moved ones with the consumer protocol), B takes half;</li>
 *   <li>160 more while both run; then B shuts down (commit, close) and A takes everything back;</li>
 *   <li>100 more; A shuts down.</li>
 * </ol>
 * Then every record must have been processed, and the result counts the duplicates.
 */
public final class RebalanceScenario {

    public static final int PARTITIONS = 4;
    public static final int COMMIT_EVERY = 100;
    /** Records written in each step, per partition: 4 x (25 + 10 + 40 + 25) = 400. */
    private static final int[] PER_PARTITION = {25, 10, 40, 25};
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** One processed record: which member, which record. */
    public record Processed(String member, int partition, long offset) {
    }

    /**
     * What one run saw, in named parts.
     *
     * @param setup   the run's topic, group, protocol and loop
     * @param records what was written and processed
     * @param offsets the group's committed offsets and the log's end, after both members shut down
     * @param commits each member's commits by reason
     */
    public record Result(Setup setup, Records records, Offsets offsets, Commits commits) {
    }

    /** A run: its topic and group, the members' group.protocol, and whether the loops commit on revocation. */
    public record Setup(String topic, String group, String protocol, boolean commitOnRevocation) {
    }

    /**
     * @param produced          records written
     * @param processed         every record processed, in order: one processed twice is here twice
     * @param uncommittedAtJoin records processed but not committed when B joined
     */
    public record Records(int produced, List<Processed> processed, int uncommittedAtJoin) {

        public long distinct() {
            return RebalanceScenario.distinct(processed);
        }

        public long duplicates() {
            return processed.size() - distinct();
        }

        public long lost() {
            return produced - distinct();
        }
    }

    /**
     * @param committedAtEnd the group's committed offsets after both shut down, per partition
     * @param endOffsets     the partitions' end offsets
     */
    public record Offsets(Map<TopicPartition, Long> committedAtEnd, Map<TopicPartition, Long> endOffsets) {
    }

    /**
     * Each member's commits by reason, "every 100 + on revocation + on shutdown", e.g. "2 + 2 + 0".
     *
     * @param byA member A's
     * @param byB member B's
     */
    public record Commits(String byA, String byB) {
    }

    private final KafkaBackend kafka;
    private final Admin admin;
    private final Timeline timeline;
    /** The first exception a member thread died of; every wait gives up on it at once. */
    private final AtomicReference<Throwable> memberFailure = new AtomicReference<>();

    public RebalanceScenario(KafkaBackend kafka, Admin admin, Timeline timeline) {
        this.kafka = kafka;
        this.admin = admin;
        this.timeline = timeline;
    }

    /** Runs the scenario on a new topic and group, with {@code protocol} classic or consumer. */
    public Result run(String protocol, boolean commitOnRevocation) throws Exception {
        String topic = "s5-rebalance-" + UUID.randomUUID().toString().substring(0, 8);
        String group = topic + (commitOnRevocation ? "-with-listener" : "-without-listener");
        Topics.create(admin, new NewTopic(topic, PARTITIONS, (short) 1));
        Queue<Processed> processed = new ConcurrentLinkedQueue<>();

        Member a = Member.start("A", consumer(group, protocol), topic, commitOnRevocation, processed, memberFailure);
        produce(topic, PER_PARTITION[0]);
        waitFor("A processed and committed the first 100", () -> processed.size() >= 100 && a.loop.commits(CommittingLoop.CommitReason.EVERY_N) >= 1);
        timeline.event("A", "processed 100, committed them (every " + COMMIT_EVERY + ")");
        produce(topic, PER_PARTITION[1]);
        waitFor("A processed 140", () -> processed.size() >= 140);
        int uncommittedAtJoin = processed.size() - 100;
        timeline.event("A", "processed " + uncommittedAtJoin + " more, not committed yet");

        Member b = Member.start("B", consumer(group, protocol), topic, commitOnRevocation, processed, memberFailure);
        waitFor("B owns partitions", () -> !b.loop.owned().isEmpty() && a.loop.owned().size() + b.loop.owned().size() == PARTITIONS);
        timeline.event("B", "joined; owns " + b.loop.owned().size() + " partitions, A keeps " + a.loop.owned().size());
        produce(topic, PER_PARTITION[2]);
        waitFor("all 300 records processed", () -> distinct(processed) >= 300);

        b.stop();
        timeline.event("B", "shut down (commit, close)");
        waitFor("A owns all partitions again", () -> a.loop.owned().size() == PARTITIONS);
        produce(topic, PER_PARTITION[3]);
        int produced = IntStream.of(PER_PARTITION).sum() * PARTITIONS;
        waitFor("all " + produced + " records processed", () -> distinct(processed) >= produced);
        a.stop();
        timeline.event("A", "shut down (commit, close)");

        return new Result(new Setup(topic, group, protocol, commitOnRevocation),
                new Records(produced, List.copyOf(processed), uncommittedAtJoin),
                new Offsets(OffsetProbe.committed(admin, group), endOffsets(topic)),
                new Commits(a.commitCounts(), b.commitCounts()));
    }

    private KafkaConsumer<String, String> consumer(String group, String protocol) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // the loop commits
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group: every record written is processed
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol); // classic revokes everything at a rebalance, consumer only what moves
        if (protocol.equals("classic")) {
            // Members learn of a rebalance from a heartbeat answer; 3 s by default.
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        return new KafkaConsumer<>(config);
    }

    private void produce(String topic, int perPartition) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "key-" + i, "value-" + i));
                }
            }
            producer.flush();
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
        return OffsetProbe.offsets(admin, partitions, OffsetSpec.latest());
    }

    /** How many different records (partition, offset) were processed, however often each. */
    private static long distinct(Collection<Processed> processed) {
        return processed.stream().map(p -> p.partition() + "@" + p.offset()).distinct().count();
    }

    private void waitFor(String what, java.util.function.BooleanSupplier condition) {
        Wait.until(what, STEP_TIMEOUT, () -> {
            if (memberFailure.get() != null) {
                throw new IllegalStateException("a member failed while waiting for " + what, memberFailure.get());
            }
            return condition.getAsBoolean();
        });
    }

    /** A CommittingLoop on its own thread. */
    private record Member(String name, CommittingLoop loop, Thread thread) {

        static Member start(String name, KafkaConsumer<String, String> consumer, String topic, boolean commitOnRevocation,
                            Queue<Processed> processed, AtomicReference<Throwable> failure) {
            CommittingLoop loop = new CommittingLoop(consumer, List.of(topic), COMMIT_EVERY, commitOnRevocation,
                    record -> processed.add(new Processed(name, record.partition(), record.offset())));
            Thread thread = new Thread(loop, "member-" + name);
            thread.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
            thread.start();
            return new Member(name, loop, thread);
        }

        void stop() throws InterruptedException {
            loop.shutdown();
            thread.join(STEP_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                throw new IllegalStateException("member " + name + " did not stop within " + STEP_TIMEOUT.toSeconds() + " s");
            }
        }

        /** Commits by reason: "every 100 + on revocation + on shutdown", e.g. "2 + 2 + 0". */
        String commitCounts() {
            return loop.commits(CommittingLoop.CommitReason.EVERY_N) + " + " + loop.commits(CommittingLoop.CommitReason.REVOCATION)
                    + " + " + loop.commits(CommittingLoop.CommitReason.SHUTDOWN);
        }
    }
}

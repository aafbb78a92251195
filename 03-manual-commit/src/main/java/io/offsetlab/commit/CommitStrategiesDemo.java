package io.offsetlab.commit;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.OffsetProbe;
import io.offsetlab.lab.client.ProcessedLog;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.LocalMachine;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.LogPicture;
import io.offsetlab.lab.view.PartitionOffsets;
import io.offsetlab.lab.view.TextTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * §3 enable.auto.commit=false 时，Offset 何时更新？ The restart story, once per commit strategy:
 * <ol>
 *   <li>a consumer in its own JVM processes a 200-record partition ({@value CrashableConsumer#WORK_MILLIS} ms per record,
 *       {@value CrashableConsumer#HANDOFF_WORK_MILLIS} ms on the hand-off's worker thread);</li>
 *   <li>it is killed with SIGKILL part-way (a crash: no close(), no last commit); the log picture
 *       shows committed, position and where processing stopped at that moment;</li>
 *   <li>it is restarted and runs to the end; the table counts what was processed, re-read and lost.</li>
 * </ol>
 */
public final class CommitStrategiesDemo {

    static final Runner RUNNER = Runner.demo("./run 03", CommitStrategiesDemo::run)
            .describe("§3 enable.auto.commit=false 时，Offset 何时更新？ (when does the offset move?): what a crash re-reads"
                    + " or loses")
            // A restarted consumer waits for its killed predecessor's session to time out.
            .dependsOnBrokerSettings(BrokerSettings.GROUP_MIN_SESSION);

    static final int RECORDS = 200;
    /** Processed records before the crash. */
    static final int CRASH_AFTER = 110;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBackend kafka;
    private final Admin admin;
    private final PrintStream out;
    private final Path workDir;

    /** What one strategy did, counted from the processed log and the committed offset. */
    record Story(CommitStrategy strategy, Long committedAtCrash, long positionAtCrash, int processedAtCrash,
                 int processed, int reRead, int lost, Integer commits) {
    }

    private CommitStrategiesDemo(KafkaBackend kafka, Admin admin, PrintStream out, Path workDir) {
        this.kafka = kafka;
        this.admin = admin;
        this.out = out;
        this.workDir = workDir;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        Path workDir = LocalMachine.tempDir("offset-lab-03-");
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            CommitStrategiesDemo demo = new CommitStrategiesDemo(kafka, admin, out, workDir);
            TextTable table = new TextTable("STRATEGY", "COMMITTED", "POSITION", "PROCESSED", "IN ALL", "RE-READ", "LOST",
                    "COMMITS");
            for (CommitStrategy strategy : CommitStrategy.values()) {
                Story s = demo.tell(strategy);
                table.row(strategy.label(), s.committedAtCrash(), s.positionAtCrash(), s.processedAtCrash(), s.processed(),
                        s.reRead(), s.lost(), s.commits());
            }
            out.println("Each strategy, " + RECORDS + " records, one crash after about " + CRASH_AFTER + " were processed.");
            out.println("At the crash: COMMITTED, POSITION, PROCESSED (records). After the restart ran to the end:");
            out.println("IN ALL (processed in both runs), RE-READ, LOST, and the COMMITS the application asked for.\n");
            out.println(table.render());
            demo.whatToNotice();
        } finally {
            LocalMachine.deleteRecursively(workDir);
        }
    }

    Story tell(CommitStrategy strategy) throws Exception {
        String name = strategy.name().toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicPartition tp = topicWithRecords(name);
        String group = name + "-group";
        Path log = workDir.resolve(name + ".log");
        step(strategy.label());

        long position;
        int commits;
        try (ChildJvm consumer = start(tp, group, log, strategy)) {
            Wait.until(CRASH_AFTER + " records processed", TIMEOUT,
                    () -> !consumer.isAlive() || crashPointReached(strategy, group, tp, log));
            consumer.kill();
            position = lastPosition(consumer);
            commits = consumer.reports(CrashableConsumer.COMMIT_ASKED).size();
        }
        Long committed = committed(group, tp);
        List<String> processedAtCrash = processed(log);
        out.println("SIGKILL after " + processedAtCrash.size() + " records were processed. At that moment:");
        out.println();
        LogPicture.Marker stopped = new LogPicture.Marker("processed", firstNotProcessed(processedAtCrash),
                "processing stopped here: the first record not processed");
        out.print(LogPicture.render(new PartitionOffsets(tp, 0, committed, position, RECORDS), List.of(stopped)));
        out.println();

        try (ChildJvm consumer = start(tp, group, log, strategy, "--exit-at-end")) {
            int exit = consumer.waitFor(TIMEOUT);
            if (exit != 0) {
                throw new IllegalStateException("the restarted consumer failed:\n" + consumer.output());
            }
            commits += consumer.reports(CrashableConsumer.COMMIT_ASKED).size();
        }
        List<String> lines = processed(log);
        int distinct = new HashSet<>(lines).size();
        Story story = new Story(strategy, committed, position, processedAtCrash.size(), lines.size(), lines.size() - distinct,
                RECORDS - distinct, strategy.autoCommit() ? null : commits);
        out.printf("Restarted, it resumed at %s%nand ran to the end: %d records re-read, %d lost.%n%n",
                committed == null ? "the log start (nothing committed; auto.offset.reset=earliest)" : "committed offset " + committed,
                story.reRead(), story.lost());
        return story;
    }

    /**
     * When to kill: after {@value #CRASH_AFTER} records were processed; with auto commit, also
     * after the first auto commit, so that there is one to see; with processing handed off, also
     * once the group has committed records the worker has not processed yet, the state whose
     * crash loses them (waiting for it keeps the story the same on a slow machine).
     */
    private boolean crashPointReached(CommitStrategy strategy, String group, TopicPartition tp, Path log) {
        int processed = processed(log).size();
        if (processed < CRASH_AFTER || !strategy.autoCommit()) {
            return processed >= CRASH_AFTER;
        }
        Long committed = committed(group, tp);
        return committed != null && (strategy != CommitStrategy.AUTO_COMMIT_HANDOFF || committed > processed);
    }

    private void whatToNotice() {
        out.println("What to notice (§3):");
        out.println("  - with auto commit off the committed offset moves only when you commit; a restart resumes there.");
        out.println("  - no commit: everything processed is processed again after a restart.");
        out.println("  - commit after each record (the article's example): a crash re-reads at most the commits still");
        out.println("    in flight, but every record costs a commit request: " + RECORDS + " records, about " + RECORDS
                + " commits.");
        out.println("  - commit after each batch: one commit per poll() (max.poll.records=" + CrashableConsumer.MAX_POLL_RECORDS
                + " here); a crash re-reads the");
        out.println("    records processed since. That is the usual trade: few commits, a bounded re-read (every N");
        out.println("    records is the same trade; chapter 05's benchmark measures what each interval costs).");
        out.println("  - commit before processing (at-most-once): no re-reads, but the crash loses the rest of the batch.");
        out.println("  - auto commit commits inside poll() (every auto.commit.interval.ms) and in close(). On the poll");
        out.println("    thread it acts like commit after each batch; with processing handed off to another thread it");
        out.println("    commits records that are not done, and a crash loses them.");
        out.println("Proof: mvn -pl 03-manual-commit -am verify (see 03-manual-commit/README.md).");
    }

    private ChildJvm start(TopicPartition tp, String group, Path log, CommitStrategy strategy, String... extra) {
        List<String> args = new ArrayList<>(List.of(tp.topic(), group, log.toString(), strategy.name()));
        args.addAll(List.of(extra));
        return ChildJvm.start(kafka, CrashableConsumer.class, args.toArray(String[]::new));
    }

    private TopicPartition topicWithRecords(String name) throws Exception {
        Topics.create(admin, new NewTopic(name, Optional.of(1), Optional.empty()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka))) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(name, 0, null, "record-" + i));
            }
            producer.flush();
        }
        return new TopicPartition(name, 0);
    }

    private Long committed(String group, TopicPartition tp) {
        return OffsetProbe.committed(admin, group, tp);
    }

    /** Where processing stopped in the demo's one partition: the offset after the highest one processed (0 if none was). */
    static long firstNotProcessed(List<String> processed) {
        return ProcessedLog.stoppedAt(processed).getOrDefault(0, 0L);
    }

    /** The position the consumer reported last, i.e. at the moment it was killed (0 if it reported none). */
    private static long lastPosition(ChildJvm consumer) {
        return consumer.lastReport(CrashableConsumer.POSITION).map(position -> position.number("offset")).orElse(0L);
    }

    private static List<String> processed(Path log) {
        return ProcessedLog.read(log);
    }

    private void step(String title) {
        Runner.heading(out, title);
    }
}

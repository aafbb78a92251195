package io.offsetlab.commit;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.ProcessedLog;
import io.offsetlab.lab.run.ClusterArgs;
import io.offsetlab.lab.run.Report;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * §3: a consumer meant to be killed. It runs in its own JVM, processes records by appending
 * "partition offset" lines to a log file (a write that survives SIGKILL: it is in the OS page
 * cache), and commits according to a {@link CommitStrategy}. Whoever started it kills it with
 * SIGKILL, the way a crash ends a process: no close(), no last commit.
 *
 * <pre>CrashableConsumer --bootstrap-server HOST:PORT [--command-config FILE] TOPIC GROUP LOG_FILE STRATEGY
 *     [--auto-commit-interval MS] [--exit-at-end]</pre>
 *
 * It tells whoever started it what it does in {@link Report}s: after every poll
 * {@code @lab position offset=O partition=P} for each assigned partition, and {@code @lab commit}
 * after each commit it asks for. Committing after each record, it also reports
 * {@code @lab committed} each time the broker answers one of those commits with success: a
 * commit asked for and not yet answered is in flight. With
 * --exit-at-end it stops once it has processed everything up to the end offsets it saw at
 * start, commits as its strategy does (auto commit: in close()), and exits with 0.
 */
public final class CrashableConsumer {

    /** Milliseconds of "work" per record, so that a kill lands mid-stream. */
    static final int WORK_MILLIS = 5;
    /**
     * The handed-off worker's milliseconds per record: work slow enough to be handed off. Its
     * 200 records take 4 s, while poll() hands them all over at once and auto-commits them
     * after the first interval (0.5 s): seconds in which committed records are not processed.
     */
    static final int HANDOFF_WORK_MILLIS = 20;
    static final int MAX_POLL_RECORDS = 50;
    /** Auto commit interval unless given (Kafka's default is 5000). */
    static final int AUTO_COMMIT_INTERVAL_MS = 500;
    /** Reported after every poll for each assigned partition: its position (fields partition, offset). */
    static final String POSITION = "position";
    /** Reported after each commit the application asks for. */
    static final String COMMIT_ASKED = "commit";
    /** Reported when the broker answered a commit of the article's loop (commitAsync) with success. */
    static final String COMMIT_ANSWERED = "committed";

    private final KafkaConsumer<String, String> consumer;
    private final ProcessedLog processed;
    private final CommitStrategy strategy;
    private final boolean exitAtEnd;
    private Map<TopicPartition, Long> ends;

    private CrashableConsumer(KafkaConsumer<String, String> consumer, ProcessedLog processed, CommitStrategy strategy,
                              boolean exitAtEnd) {
        this.consumer = consumer;
        this.processed = processed;
        this.strategy = strategy;
        this.exitAtEnd = exitAtEnd;
    }

    public static void main(String[] args) throws Exception {
        ClusterArgs commandLine = ClusterArgs.parse(args);
        List<String> rest = commandLine.rest(); // TOPIC GROUP LOG_FILE STRATEGY [options]
        List<String> options = rest.subList(4, rest.size());
        int interval = options.contains("--auto-commit-interval")
                ? Integer.parseInt(options.get(options.indexOf("--auto-commit-interval") + 1)) : AUTO_COMMIT_INTERVAL_MS;
        CommitStrategy strategy = CommitStrategy.valueOf(rest.get(3));
        try (ProcessedLog processed = ProcessedLog.appendTo(Path.of(rest.get(2)));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config(commandLine.cluster(), rest.get(1), strategy, interval))) {
            consumer.subscribe(List.of(rest.get(0)));
            CrashableConsumer app = new CrashableConsumer(consumer, processed, strategy, options.contains("--exit-at-end"));
            if (strategy == CommitStrategy.AUTO_COMMIT_HANDOFF) {
                app.runWithHandoff();
            } else {
                app.run();
            }
        } // close(): with auto commit on, it commits the position here
    }

    static Map<String, Object> config(ExternalCluster kafka, String group, CommitStrategy strategy, int autoCommitInterval) {
        Map<String, Object> config = ClientConfigs.consumer(kafka, group);
        // A new group starts at the log start, so every record is either processed or counted lost.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The strategy under test: on for the auto-commit strategies, off where the loop commits itself.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, strategy.autoCommit());
        // 500 ms (AUTO_COMMIT_INTERVAL_MS, unless --auto-commit-interval) instead of 5 s by default: several
        // auto commits land within the run, before the kill.
        config.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, autoCommitInterval);
        // Small batches: a kill lands between polls with records processed past the last commit.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // A killed member holds its partitions until its session times out (default 45 s). 2 s
        // keeps restarts quick, where the broker allows it: the lab's does (from 1 s), a broker
        // with Kafka's defaults only from 6 s (group.min.session.timeout.ms, read from it).
        int session = BrokerSettings.of(kafka).classicSessionTimeoutMs(2000);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, session / 4); // under the third of the session Kafka advises
        return config;
    }

    private void run() throws InterruptedException {
        do {
            ConsumerRecords<String, String> records = poll();
            if (records.isEmpty()) {
                continue;
            }
            if (strategy == CommitStrategy.COMMIT_BEFORE_PROCESSING) {
                consumer.commitSync(); // a crash in the loop below loses the rest of the batch
                commitIssued();
            }
            for (ConsumerRecord<String, String> record : records) {
                process(record, WORK_MILLIS);
                if (strategy == CommitStrategy.COMMIT_EACH_RECORD) {
                    // The article's commit(msg): one commitAsync per record. A crash re-reads at most the
                    // records whose commit is still in flight (and the one processed just now).
                    ArticleExample.commit(consumer, record, CrashableConsumer::commitAnswered);
                    commitIssued();
                }
            }
            if (strategy == CommitStrategy.COMMIT_AFTER_PROCESSING) {
                consumer.commitSync(records.nextOffsets()); // a crash before this line re-reads the batch
                commitIssued();
            }
        } while (!(exitAtEnd && atEnd()));
    }

    /**
     * Hands records to a worker thread and goes on polling. Auto commit commits the position
     * inside poll(), i.e. everything handed off, done or not.
     */
    private void runWithHandoff() throws InterruptedException {
        BlockingQueue<ConsumerRecord<String, String>> work = new LinkedBlockingQueue<>();
        AtomicInteger done = new AtomicInteger();
        Thread worker = new Thread(() -> {
            try {
                while (true) {
                    process(work.take(), HANDOFF_WORK_MILLIS);
                    done.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "worker");
        worker.setDaemon(true);
        worker.start();
        int handedOff = 0;
        do {
            ConsumerRecords<String, String> records = poll();
            records.forEach(work::add);
            handedOff += records.count();
        } while (!(exitAtEnd && atEnd() && done.get() == handedOff));
    }

    /** poll(), then report the position of every assigned partition to whoever watches. */
    private ConsumerRecords<String, String> poll() {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        for (TopicPartition tp : consumer.assignment()) {
            Report.emit(POSITION, Map.of("partition", tp.partition(), "offset", consumer.position(tp)));
        }
        return records;
    }

    /** Tells whoever watches that the application asked for a commit (auto commits are not counted). */
    private static void commitIssued() {
        Report.emit(COMMIT_ASKED);
    }

    /** commitAsync's callback: tells whoever watches that the broker has this commit (a failure is not counted). */
    private static void commitAnswered(Map<TopicPartition, OffsetAndMetadata> offsets, Exception error) {
        if (error == null) {
            Report.emit(COMMIT_ANSWERED);
        }
    }

    private boolean atEnd() {
        if (consumer.assignment().isEmpty()) {
            return false;
        }
        if (ends == null) {
            ends = consumer.endOffsets(new ArrayList<>(consumer.assignment()));
        }
        return consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= ends.getOrDefault(tp, 0L));
    }

    private void process(ConsumerRecord<String, String> record, int workMillis) throws InterruptedException {
        Thread.sleep(workMillis); // the work
        processed.processed(record);
    }
}

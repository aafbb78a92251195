package io.offsetlab.poll;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Topics;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * §4 max.poll.interval.ms 和消费者会话管理: a timeline, in seconds, of two members of a group.
 * <ol>
 *   <li>"slow" takes longer than max.poll.interval.ms over one batch: it is evicted, "steady" takes
 *       its partition and re-reads what slow processed but could not commit, slow's commit
 *       fails, and its next poll() rejoins;</li>
 *   <li>a member takes longer than the session timeout but less than max.poll.interval.ms:
 *       nothing happens, because heartbeats come from a background thread;</li>
 *   <li>a member killed with SIGKILL keeps its partition until its session times out; one that
 *       calls close() leaves at once, and steady takes its partition at steady's next heartbeat.</li>
 * </ol>
 * The session timeout is the broker's business (read from it): the shortest it allows on
 * classic, its group.consumer.session.timeout.ms on consumer. Scene 2 scales with it.
 */
public final class PollIntervalDemo {

    static final String PROTOCOL = "--protocol";

    static final Runner RUNNER = Runner.demo("./run 04", PollIntervalDemo::run)
            .describe("§4 max.poll.interval.ms 和消费者会话管理 (max.poll.interval.ms and consumer session management): "
                    + "who gets evicted, and when")
            .choice(PROTOCOL, "the group protocol (default classic, Kafka 4.4's default)", "classic", "consumer")
            .dependsOnBrokerSettings(BrokerSettings.GROUP_MIN_SESSION, BrokerSettings.GROUP_MAX_SESSION,
                    BrokerSettings.CONSUMER_SESSION, BrokerSettings.CONSUMER_MIN_SESSION, BrokerSettings.CONSUMER_MAX_SESSION,
                    BrokerSettings.CONSUMER_HEARTBEAT, BrokerSettings.INITIAL_REBALANCE_DELAY);

    static final int MAX_POLL_INTERVAL_MS = 2000;
    /** Scene 2 is shown only when it takes about a minute at most. */
    private static final int LONGEST_SCENE_MS = 60_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBackend kafka;
    private final String protocol;
    private final PrintStream out;

    private PollIntervalDemo(KafkaBackend kafka, String protocol, PrintStream out) {
        this.kafka = kafka;
        this.protocol = protocol;
        this.out = out;
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception {
        String protocol = args.option(PROTOCOL, "classic");
        PollIntervalDemo demo = new PollIntervalDemo(kafka, protocol, out);
        demo.settings();
        demo.slowMemberIsEvicted();
        demo.longProcessingWithinMaxPollIntervalIsFine();
        demo.crashVersusClose();
        demo.whatToNotice();
    }

    private void settings() {
        int session = Members.sessionTimeoutMs(kafka, protocol);
        int heartbeat = Members.heartbeatIntervalMs(kafka, protocol);
        boolean classic = protocol.equals("classic");
        out.println("group.protocol=" + protocol + ". Timeouts in this run (Kafka's defaults in brackets):");
        setting("max.poll.interval.ms", MAX_POLL_INTERVAL_MS, 300_000, "client-side, both protocols");
        setting("session timeout", session, 45_000, classic ? "client's session.timeout.ms (what the broker allows)"
                : "broker's group.consumer.session.timeout.ms");
        setting("heartbeat every", heartbeat, classic ? 3000 : 5000, classic ? "client's heartbeat.interval.ms"
                : "broker's group.consumer.heartbeat.interval.ms");
        out.println();
    }

    private void setting(String name, int millis, int kafkaDefault, String where) {
        out.printf("  %-20s = %5d ms  [%6d]  %s%n", name, millis, kafkaDefault, where);
    }

    private void slowMemberIsEvicted() throws Exception {
        int overrun = Members.overrunMs(kafka, protocol, MAX_POLL_INTERVAL_MS);
        step("Scene 1: one batch takes " + overrun + " ms, more than max.poll.interval.ms (" + MAX_POLL_INTERVAL_MS + " ms)");
        String topic = createTopic("slow");
        out.println("topic " + topic + ", partitions 0 and 1; slow polls 5 records at a time\n");
        String group = topic + "-group";
        Timeline timeline = new Timeline(out);
        Map<String, Object> slowConfig = Members.config(kafka, group, protocol, MAX_POLL_INTERVAL_MS);
        slowConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = readyProducer(topic);
             SteadyMember steady = new SteadyMember(Members.config(kafka, group, protocol, 300_000), topic,
                partitions -> timeline.event("steady", "assigned " + Members.partitions(partitions)));
             KafkaConsumer<String, String> slow = new KafkaConsumer<>(slowConfig);
             Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            slow.subscribe(List.of(topic));
            Polling.pollUntil(slow, TIMEOUT, () -> slow.assignment().size() == 1 && steady.assignment().size() == 1);
            TopicPartition mine = slow.assignment().iterator().next();
            timeline.event("slow", "assigned " + Members.partitions(slow.assignment()));
            produce(producer, topic);

            ConsumerRecords<String, String> first = Polling.pollNonEmpty(slow, TIMEOUT);
            slow.commitSync(first.nextOffsets());
            timeline.event("slow", "processed offsets " + range(first, mine) + " of partition " + mine.partition() + ", committed "
                    + next(first, mine));
            ConsumerRecords<String, String> second = Polling.pollNonEmpty(slow, TIMEOUT);
            long lastPoll = System.currentTimeMillis();
            timeline.event("slow", "polled offsets " + range(second, mine) + "; processing takes " + overrun
                    + " ms, no poll() meanwhile");
            try (MembershipWatch watch = MembershipWatch.start(admin, group, slow.groupMetadata().memberId(), "slow",
                    lastPoll, timeline)) {
                slowProcessing(Duration.ofMillis(overrun));
                if (!watch.awaitLeft(TIMEOUT)) {
                    timeline.event("group", "slow is still listed by describeConsumerGroups " + TIMEOUT.toSeconds()
                            + " s after its processing ended");
                }
            }
            // Kafka's own words, shown with --verbose: classic's AbstractCoordinator and the consumer
            // protocol's AbstractHeartbeatRequestManager log them (4.4 client).
            timeline.event("", "(Kafka's client logs a WARN: \"" + (protocol.equals("classic") ? "c" : "C")
                    + "onsumer poll timeout has expired\"; --verbose)");
            tryCommit(slow, second, timeline);
            reportReRead(steady, mine, second, timeline);
            Polling.pollUntil(slow, TIMEOUT, () -> !slow.assignment().isEmpty());
            timeline.event("slow", "poll(): rejoined the group, assigned " + Members.partitions(slow.assignment()));
        }
        out.println();
    }

    private void longProcessingWithinMaxPollIntervalIsFine() throws Exception {
        int session = Members.sessionTimeoutMs(kafka, protocol);
        int processing = Members.longerThanTheSessionMs(kafka, protocol);
        int maxPollInterval = 2 * processing;
        if (processing > LONGEST_SCENE_MS) {
            out.println("(scene 2 skipped: the session timeout is " + session + " ms on this cluster;");
            out.println(" processing longer than it takes over a minute)\n");
            return;
        }
        step("Scene 2: a batch takes " + processing + " ms: over the session timeout (" + session
                + "), under max.poll.interval.ms");
        String topic = createTopic("heartbeat");
        out.println("max.poll.interval.ms=" + maxPollInterval + " here; the member polls once, then processes\n");
        Timeline timeline = new Timeline(out);
        try (KafkaProducer<String, String> producer = readyProducer(topic);
             KafkaConsumer<String, String> member = new KafkaConsumer<>(
                Members.config(kafka, topic + "-group", protocol, maxPollInterval))) {
            member.subscribe(List.of(topic));
            Polling.pollUntil(member, TIMEOUT, () -> !member.assignment().isEmpty());
            timeline.event("member", "assigned " + Members.partitions(member.assignment()));
            produce(producer, topic);
            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(member, TIMEOUT);
            timeline.event("member", "polled " + batch.count() + " records; processing takes " + processing + " ms");
            slowProcessing(Duration.ofMillis(processing));
            member.commitSync(batch.nextOffsets());
            timeline.event("member", "commitSync() succeeded; still assigned " + Members.partitions(member.assignment()));
        }
        out.println("The background heartbeat thread kept the session alive the whole time: session.timeout.ms");
        out.println("detects dead processes, max.poll.interval.ms detects a stuck poll loop.\n");
    }

    /**
     * Scene 3: a crash leaves the partition with a dead member until the session times out.
     * close() leaves at once (classic: LeaveGroup, and the coordinator starts a rebalance; consumer
     * protocol: a heartbeat with epoch -1, and the coordinator frees its partitions), but the
     * coordinator answers only the member that asks: steady learns of it from its own next
     * heartbeat (Kafka 4.4: REBALANCE_IN_PROGRESS in AbstractCoordinator.HeartbeatResponseHandler;
     * the new assignment in the response to AbstractHeartbeatRequestManager.poll's heartbeat). So
     * the handover takes up to a heartbeat interval: 5 s on a stock cluster's consumer protocol.
     */
    private void crashVersusClose() throws Exception {
        int session = Members.sessionTimeoutMs(kafka, protocol);
        step("Scene 3: a member killed with SIGKILL, then one that calls close() (session " + session + " ms)");
        String topic = createTopic("handover");
        String group = topic + "-group";
        out.println("steady polls all along; \"crashed\" runs in its own JVM, so that it can be killed\n");
        Timeline timeline = new Timeline(out);
        try (SteadyMember steady = new SteadyMember(Members.config(kafka, group, protocol, 300_000), topic,
                partitions -> timeline.event("steady", "assigned " + Members.partitions(partitions)))) {
            try (ChildJvm crashed = ChildJvm.start(kafka, PollingMember.class, topic, group, protocol)) {
                Wait.until("the two members to share the partitions", TIMEOUT, () -> steady.assignment().size() == 1
                        && PollingMember.holdsOnePartition(crashed));
                timeline.event("crashed", "has the other partition");
                long killedAt = System.currentTimeMillis();
                crashed.kill();
                timeline.event("crashed", "killed (SIGKILL): no LeaveGroup; its heartbeats stop");
                awaitHandover(steady, session, "the session timed out", killedAt, timeline);
            }
            try (KafkaConsumer<String, String> closing = new KafkaConsumer<>(Members.config(kafka, group, protocol, 300_000))) {
                closing.subscribe(List.of(topic));
                Polling.pollUntil(closing, TIMEOUT, () -> closing.assignment().size() == 1 && steady.assignment().size() == 1);
                timeline.event("closing", "assigned " + Members.partitions(closing.assignment()));
                long closedAt = System.currentTimeMillis();
                closing.close();
                timeline.event("closing", "close(): it leaves the group");
                awaitHandover(steady, session, "at steady's next heartbeat", closedAt, timeline);
            }
        }
        out.println("A crashed member's partitions wait for its session to time out: nobody reads them meanwhile.");
        out.println("A clean close() leaves the group at once, and steady finds out at its next heartbeat (one every");
        out.println(Members.heartbeatIntervalMs(kafka, protocol) + " ms here: " + heartbeatSetting() + ", "
                + (protocol.equals("classic") ? 3000 : 5000) + " by default); then takes the partitions.\n");
    }

    /** The setting for how often a member heartbeats: the client's on classic, the broker's on consumer. */
    private String heartbeatSetting() {
        return protocol.equals("classic") ? "heartbeat.interval.ms" : "group.consumer.heartbeat.interval.ms";
    }

    private static void awaitHandover(SteadyMember steady, int session, String why, long since, Timeline timeline) {
        Wait.until("steady to get both partitions", TIMEOUT.plusMillis(session), () -> steady.assignment().size() == 2);
        long handover = steady.assignments.get(steady.assignments.size() - 1).atMillis() - since;
        timeline.event("group", "handover " + handover + " ms later: " + why);
    }

    private void whatToNotice() {
        out.println("What to notice (§4):");
        out.println("  - max.poll.interval.ms bounds the time between two poll() calls: a member that processes longer is");
        out.println("    evicted, its partitions move, and what it processed but had not committed is read again.");
        out.println("  - the evicted member's commit fails (CommitFailedException); its next poll() rejoins the group.");
        if (protocol.equals("consumer")) {
            out.println("  - with the consumer protocol the client acts on the overrun when its background thread next");
            out.println("    wakes: at its next heartbeat, up to group.consumer.heartbeat.interval.ms late. A commit sent");
            out.println("    before then still succeeds (PollIntervalIT).");
        }
        out.println("  - session.timeout.ms is about heartbeats, sent by a background thread: slow processing does not");
        out.println("    stop them. It catches crashes: a killed member keeps its partitions until its session times");
        out.println("    out (scene 3). close() leaves at once; the others take over at their next heartbeat (every");
        out.println("    " + Members.heartbeatIntervalMs(kafka, protocol) + " ms here, " + heartbeatSetting() + ").");
        out.println("  - the fix for slow work is not only a bigger max.poll.interval.ms: pause() the partitions, process");
        out.println("    elsewhere, keep calling poll(), resume() when done (PollIntervalIT).");
        out.println(protocol.equals("classic")
                ? "  - run it with --protocol consumer (KIP-848): same client-side rule, broker-side session timeout."
                : "  - the consumer protocol's session timeout is the broker's (per group: the group config");
        if (protocol.equals("consumer")) {
            out.println("    consumer.session.timeout.ms); classic's is the client's session.timeout.ms (./run 04).");
        }
        out.println("Proof: mvn -pl 04-poll-interval -am verify (see 04-poll-interval/README.md).");
    }

    private void tryCommit(KafkaConsumer<String, String> slow, ConsumerRecords<String, String> batch, Timeline timeline) {
        try {
            slow.commitSync(batch.nextOffsets());
            timeline.event("slow", "processing done; commitSync() succeeded");
        } catch (KafkaException e) {
            timeline.event("slow", "processing done; commitSync() -> " + e.getClass().getSimpleName());
            if (protocol.equals("consumer")) {
                timeline.event("", "(Kafka's client logs an ERROR: \"OffsetCommit failed with UNKNOWN_MEMBER_ID\")");
            }
        }
    }

    private static void reportReRead(SteadyMember steady, TopicPartition tp, ConsumerRecords<String, String> batch,
                                     Timeline timeline) {
        List<Long> uncommitted = batch.records(tp).stream().map(ConsumerRecord::offset).toList();
        Wait.until("the other member to re-read " + tp, TIMEOUT, () -> steady.offsetsRead(tp).containsAll(uncommitted));
        timeline.event("steady", "read offsets " + uncommitted.get(0) + "-" + uncommitted.get(uncommitted.size() - 1)
                + " of partition " + tp.partition() + " again: slow processed them, never committed them");
        timeline.event("", "(" + uncommitted.size() + " duplicates)");
    }

    private String createTopic(String name) throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
            Topics.create(admin, new NewTopic(topic, Optional.of(2), Optional.empty()));
        }
        return topic;
    }

    /**
     * A producer that already knows the topic's leaders. Producing happens between a member's
     * polls, and that member's max.poll.interval.ms (2 s in scene 1) is running: a producer
     * that connects and fetches metadata only then can take longer than that on a loaded
     * machine, and the member leaves the group before the scene begins.
     */
    private KafkaProducer<String, String> readyProducer(String topic) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(kafka));
        try {
            producer.partitionsFor(topic); // connects and fetches the topic's metadata now
            return producer;
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** Ten records to each of partitions 0 and 1. */
    private static void produce(KafkaProducer<String, String> producer, String topic) {
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, p, null, "record-" + i));
            }
        }
        producer.flush();
    }

    private static String range(ConsumerRecords<String, String> records, TopicPartition tp) {
        List<ConsumerRecord<String, String>> list = records.records(tp);
        return list.get(0).offset() + "-" + list.get(list.size() - 1).offset();
    }

    private static long next(ConsumerRecords<String, String> records, TopicPartition tp) {
        return records.nextOffsets().get(tp).offset();
    }

    /** Sleeping IS the behaviour: processing that takes this long, without calling poll(). */
    private static void slowProcessing(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private void step(String title) {
        Runner.heading(out, title);
    }
}

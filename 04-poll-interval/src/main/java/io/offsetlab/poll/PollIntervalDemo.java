package io.offsetlab.poll;

import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.client.Wait;
import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import static io.offsetlab.poll.SceneTopics.TIMEOUT;

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
 * Scene 1 is {@link SlowMemberScene}; the topics and producers all scenes use, {@link SceneTopics}.
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
        new SlowMemberScene(kafka, protocol, out).run();
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
        String topic = SceneTopics.create(kafka, "heartbeat");
        out.println("max.poll.interval.ms=" + maxPollInterval + " here; the member polls once, then processes\n");
        Timeline timeline = new Timeline(out);
        try (KafkaProducer<String, String> producer = SceneTopics.readyProducer(kafka, topic);
             KafkaConsumer<String, String> member = new KafkaConsumer<>(
                Members.config(kafka, topic + "-group", protocol, maxPollInterval))) {
            member.subscribe(List.of(topic));
            Polling.pollUntil(member, TIMEOUT, "the member to get its partition", () -> !member.assignment().isEmpty());
            timeline.event("member", "assigned " + Members.partitions(member.assignment()));
            SceneTopics.produce(producer, topic);
            ConsumerRecords<String, String> batch = Polling.pollNonEmpty(member, TIMEOUT);
            timeline.event("member", "polled " + batch.count() + " records; processing takes " + processing + " ms");
            SceneTopics.slowProcessing(Duration.ofMillis(processing));
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
        String topic = SceneTopics.create(kafka, "handover");
        String group = topic + "-group";
        out.println("steady polls all along; \"crashed\" runs in its own JVM, so that it can be killed\n");
        Timeline timeline = new Timeline(out);
        try (SteadyMember steady = new SteadyMember(Members.config(kafka, group, protocol, 300_000), topic,
                partitions -> timeline.event("steady", "assigned " + Members.partitions(partitions)),
                () -> timeline.event("steady", SteadyMember.DROPPED))) {
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
                Polling.pollUntil(closing, TIMEOUT, "closing and steady to hold one partition each",
                        () -> closing.assignment().size() == 1 && steady.assignment().size() == 1);
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

    private void step(String title) {
        Runner.heading(out, title);
    }
}

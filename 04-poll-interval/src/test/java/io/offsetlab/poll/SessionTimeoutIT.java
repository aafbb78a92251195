package io.offsetlab.poll;

import io.offsetlab.lab.Claim;
import io.offsetlab.lab.Claims;
import io.offsetlab.lab.Figure;
import io.offsetlab.lab.KafkaLab;
import io.offsetlab.lab.LabKafka;
import io.offsetlab.lab.LoadedMachine;
import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.client.Polling;
import io.offsetlab.lab.run.ChildJvm;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §4, session.timeout.ms: "if no heartbeat reaches Kafka within it, the consumer is considered
 * lost and a rebalance follows, e.g. when the process crashes". True for a crash; a clean
 * close does not wait for it. Session timeouts, read from the broker: classic, the shortest it
 * accepts from 3 s up (the client asks); consumer protocol, its group.consumer.session.timeout.ms
 * (6 s on the lab broker; 45 s, Kafka's default, on a stock one).
 * <p>
 * Every handover ends at the remaining member's next heartbeat: the coordinator answers only the
 * member that asks, so the others learn of a leave or an expiry from their own next heartbeat's
 * response (Kafka 4.4: classic, REBALANCE_IN_PROGRESS in {@code AbstractCoordinator.HeartbeatResponseHandler};
 * consumer protocol, the new assignment in the ConsumerGroupHeartbeat response, sent every
 * interval by {@code AbstractHeartbeatRequestManager.poll}). The bounds below are built from
 * those waits, read from the broker, plus {@link LoadedMachine#SLACK_MS}.
 */
@KafkaLab
class SessionTimeoutIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration NO_REBALANCE_FOR = Duration.ofSeconds(2);
    /**
     * How late a loaded JVM's last heartbeat may go out. A session counts from the last heartbeat
     * the broker got: a late one starts it earlier than a heartbeat interval before the member
     * stopped, so lower bounds leave this much room.
     */
    private static final long LATE_HEARTBEAT_MS = 500;
    /** The classic leaving member's session: long, so that a handover that waited for it cannot pass for one that did not. */
    private static final int LONG_CLASSIC_SESSION_MS = 30_000;
    /** The classic static members' session: room for the restart. */
    private static final int STATIC_CLASSIC_SESSION_MS = 10_000;

    /** How long to wait for a handover: the session timeout, and then some. */
    private static Duration handoverTimeout(long sessionMs) {
        return TIMEOUT.plusMillis(sessionMs);
    }

    /**
     * A crash (SIGKILL: no leave, no more heartbeats) hands the partition over once the session
     * has timed out and the remaining member has heartbeated; a clean close() sends its leave at
     * once (classic: LeaveGroup, {@code AbstractCoordinator.maybeLeaveGroup}; consumer protocol: a
     * heartbeat with member epoch -1, {@code AbstractMembershipManager.leaveGroupOnClose}), and the
     * coordinator acts on it at once (classic: a rebalance; consumer: {@code
     * GroupMetadataManager.consumerGroupLeave} fences the member and frees its partitions), but
     * the remaining member learns of it at its next heartbeat: within heartbeat.interval.ms on
     * classic (the client's, 3 s by default), group.consumer.heartbeat.interval.ms on consumer
     * (the broker's, 5 s by default: a stock cluster measured 4711 ms).
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("4.session")
    void aCrashedMemberKeepsItsPartitionsUntilTheSessionTimesOutButACleanCloseHandsThemOverAtTheNextHeartbeat(
            String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("handover", 2);
        String group = kafka.newGroupId("handover");
        long session = Members.sessionTimeoutMs(kafka.backend(), protocol);
        long heartbeat = Members.heartbeatIntervalMs(kafka.backend(), protocol); // every member's, the survivor's too
        try (SteadyMember survivor = new SteadyMember(Members.config(kafka.backend(), group, protocol, 300_000), topic)) {
            long crashDelay;
            try (ChildJvm crashing = ChildJvm.start(kafka.backend(), PollingMember.class, topic, group, protocol)) {
                awaitSplit(survivor, () -> PollingMember.holdsOnePartition(crashing));
                long killedAt = System.currentTimeMillis();
                crashing.kill(); // SIGKILL: no LeaveGroup, no more heartbeats
                crashDelay = awaitBoth(survivor, handoverTimeout(session)) - killedAt;
            }

            long closeDelay;
            int leavingSession = protocol.equals("classic") ? kafka.settings().classicSessionTimeoutMs(LONG_CLASSIC_SESSION_MS)
                    : (int) session;
            try (KafkaConsumer<String, String> leaving = new KafkaConsumer<>(leavingMember(kafka, group, protocol, leavingSession))) {
                leaving.subscribe(List.of(topic));
                awaitSplit(survivor, () -> {
                    leaving.poll(Duration.ofMillis(50));
                    return leaving.assignment().size() == 1;
                });
                long closedAt = System.currentTimeMillis();
                leaving.close(); // a clean close sends its leave (classic: LeaveGroup; consumer: a heartbeat, epoch -1)
                closeDelay = awaitBoth(survivor, handoverTimeout(leavingSession)) - closedAt;
            }

            Claims.figure(Figure.bars("handover (" + protocol + ")", "ms").value("after SIGKILL", crashDelay)
                    .value("after close()", closeDelay).marker("session timeout", session).marker("heartbeat every", heartbeat));
            // The session counts from the killed member's last heartbeat: at most a heartbeat interval (and a late
            // heartbeat) before the kill. Then the survivor learns of the expiry at its own next heartbeat.
            long crashAtLeast = session - heartbeat - LATE_HEARTBEAT_MS;
            long crashAtMost = session + heartbeat + LoadedMachine.SLACK_MS;
            assertTrue(crashDelay >= crashAtLeast, "a crashed member keeps its partition until its session times out: "
                    + crashDelay + " ms, expected at least " + crashAtLeast + " (session - a heartbeat interval - "
                    + LATE_HEARTBEAT_MS + " ms for a late heartbeat)");
            assertTrue(crashDelay <= crashAtMost, "and then hands it over, at the survivor's next heartbeat: " + crashDelay
                    + " ms, expected at most " + crashAtMost + " (session + a heartbeat interval + "
                    + LoadedMachine.SLACK_MS + " ms for a loaded machine)");
            // close() leaves at once; the survivor learns of it at its next heartbeat.
            long closeAtMost = heartbeat + LoadedMachine.SLACK_MS;
            assertTrue(closeDelay <= closeAtMost, "a clean close hands it over at the survivor's next heartbeat: "
                    + closeDelay + " ms, expected at most " + closeAtMost + " (a heartbeat interval + "
                    + LoadedMachine.SLACK_MS + " ms for a loaded machine)");
            // A handover that waited for the leaving member's session would come this late at the earliest.
            long sessionWaitAtLeast = leavingSession - heartbeat - LATE_HEARTBEAT_MS;
            assertTrue(closeDelay < sessionWaitAtLeast, "a clean close does not wait for the leaving member's session ("
                    + leavingSession + " ms): " + closeDelay + " ms, expected under " + sessionWaitAtLeast
                    + " (that session - a heartbeat interval - " + LATE_HEARTBEAT_MS + " ms), the earliest an expiry hands over");
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Claim("4.raise-and-poll")
    void aStaticMemberRestartedWithinTheSessionTimeoutKeepsItsPartitionsWithoutARebalance(String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("static", 2);
        String group = kafka.newGroupId("static");
        try (SteadyMember other = new SteadyMember(staticMember(kafka, group, protocol, "other"), topic)) {
            TopicPartition mine;
            try (KafkaConsumer<String, String> member = new KafkaConsumer<>(staticMember(kafka, group, protocol, "restarting"))) {
                member.subscribe(List.of(topic));
                awaitSplit(other, () -> {
                    member.poll(Duration.ofMillis(50));
                    return member.assignment().size() == 1;
                });
                mine = member.assignment().iterator().next();
            } // close(): a static member stays in the group (no LeaveGroup, KIP-345)
            long closedAt = System.currentTimeMillis();
            int assignmentsBefore = other.assignments.size();
            try (KafkaConsumer<String, String> restarted = new KafkaConsumer<>(staticMember(kafka, group, protocol, "restarting"))) {
                restarted.subscribe(List.of(topic));
                Polling.pollUntil(restarted, TIMEOUT, "the restarted static member to get its partition back",
                        () -> !restarted.assignment().isEmpty());
                long backAfter = System.currentTimeMillis() - closedAt;
                long session = protocol.equals("classic") ? kafka.settings().classicSessionTimeoutMs(STATIC_CLASSIC_SESSION_MS)
                        : Members.sessionTimeoutMs(kafka.backend(), protocol);
                Claims.figure(Figure.bars("static member restarted (" + protocol + ")", "ms")
                        .value("its partition back, after close()", backAfter).marker("session timeout", session));

                assertEquals(Set.of(mine), restarted.assignment(), "the restarted static member gets its partition back");
                // Held for 2 s, not seen at one instant: a rebalance the restart set off would reach the other member by then.
                await("the other member sees no new assignment for 2 s").during(NO_REBALANCE_FOR).atMost(NO_REBALANCE_FOR.plusSeconds(5))
                        .until(() -> {
                            restarted.poll(Duration.ofMillis(50));
                            return other.assignments.size() == assignmentsBefore;
                        });
            }
        }
    }

    /**
     * A static member (group.instance.id) that overruns max.poll.interval.ms keeps its partition
     * until its session times out, on both protocols: the classic client sends a LeaveGroup only
     * for a dynamic member (AbstractCoordinator.maybeLeaveGroup) and just stops heartbeating; the
     * consumer-protocol client leaves with member epoch -2, a static member's temporary leave,
     * whose assignment the broker keeps for the session timeout (KIP-848). Nobody reads that
     * partition meanwhile: the price of §4's static membership. (It claims no ledger row: the
     * rows say what static membership is for, restarts, which the test above proves.)
     */
    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void aStaticMemberThatOverrunsMaxPollIntervalKeepsItsPartitionUntilItsSessionTimesOut(String protocol, LabKafka kafka) {
        String topic = kafka.createTopic("static-slow", 2);
        String group = kafka.newGroupId("static-slow");
        long session = Members.sessionTimeoutMs(kafka.backend(), protocol);
        int maxPollInterval = 2000;
        Map<String, Object> slowConfig = Members.config(kafka.backend(), group, protocol, maxPollInterval);
        slowConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "slow");
        Map<String, Object> otherConfig = Members.config(kafka.backend(), group, protocol, 300_000);
        otherConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "other");
        try (SteadyMember other = new SteadyMember(otherConfig, topic);
             KafkaConsumer<String, String> slow = new KafkaConsumer<>(slowConfig)) {
            slow.subscribe(List.of(topic));
            awaitSplit(other, () -> {
                slow.poll(Duration.ofMillis(50));
                return slow.assignment().size() == 1;
            });
            long lastPoll = System.currentTimeMillis(); // slow never polls again: the overrun

            await("the other member gets the slow static member's partition").atMost(handoverTimeout(session))
                    .pollInterval(Duration.ofMillis(20)).until(() -> other.assignment().size() == 2);
            long handover = other.assignments.get(other.assignments.size() - 1).atMillis() - lastPoll;
            Claims.figure(Figure.bars("static member (" + protocol + ")", "ms").value("its partition moved, after its last poll()",
                    handover).marker("max.poll.interval.ms", maxPollInterval)
                    .marker("max.poll.interval.ms + session timeout", maxPollInterval + session));
            // The session counts from the member's last heartbeat: at most one heartbeat interval before the overrun.
            long heartbeat = Members.heartbeatIntervalMs(kafka.backend(), protocol);
            long atLeast = maxPollInterval + session - heartbeat - LATE_HEARTBEAT_MS;
            assertTrue(handover >= atLeast, protocol + ": nobody takes over the static member's partition until its "
                    + "session times out after the overrun: " + handover + " ms after its last poll(), expected at least "
                    + atLeast + " (max.poll.interval.ms + session - a heartbeat interval - " + LATE_HEARTBEAT_MS + " ms)");
            // And then it does. Its session starts at most a heartbeat after the overrun: classic, its last heartbeat
            // (the heartbeat thread stops once the poll timer expires); consumer, its leave with epoch -2, sent when its
            // client next wakes, at its next heartbeat (Members.overrunMs). The other member learns of the expiry at
            // its own next heartbeat.
            long atMost = maxPollInterval + heartbeat + session + heartbeat + LoadedMachine.SLACK_MS;
            assertTrue(handover <= atMost, protocol + ": once the static member's session has timed out, the other member "
                    + "gets its partition: " + handover + " ms after its last poll(), expected at most " + atMost
                    + " (max.poll.interval.ms + a heartbeat + session + the other's next heartbeat + "
                    + LoadedMachine.SLACK_MS + " ms for a loaded machine)");
        }
    }

    @Test
    void aClassicSessionTimeoutOutsideTheBrokersBoundsIsRejected(LabKafka kafka) {
        Map<String, Object> config = Members.config(kafka.backend(), kafka.newGroupId("bounds"), "classic", 300_000);
        // Half the broker's group.min.session.timeout.ms (1000 on the lab broker, 6000 by default).
        int tooShort = (int) kafka.settings().value(BrokerSettings.GROUP_MIN_SESSION) / 2;
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, tooShort);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, tooShort / 5);
        String topic = kafka.createTopic("bounds", 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            assertThrows(InvalidSessionTimeoutException.class,
                    () -> Polling.pollUntil(consumer, TIMEOUT, "the broker to refuse the session timeout", () -> false),
                    "the broker refuses session.timeout.ms=" + tooShort + ", below its group.min.session.timeout.ms; poll() throws");
        }
    }

    /** A configuration check: no ledger row says it (the §4 README's "the bounds" row does). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG})
    void sessionSettingsOnTheClientAreRejectedWithTheConsumerProtocol(String setting, LabKafka kafka) {
        Map<String, Object> config = Members.config(kafka.backend(), kafka.newGroupId("bounds"), "consumer", 300_000);
        config.put(setting, 10_000);
        ConfigException e = assertThrows(ConfigException.class, () -> new KafkaConsumer<String, String>(config).close(),
                "with group.protocol=consumer the session is the broker's business (group.consumer.session.timeout.ms)");
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    /**
     * The member that calls close(). Classic: with a long session of its own ({@code session}:
     * what the broker allows nearest 30 s), so that a handover that waited for it could not pass
     * for one that did not, however slow the run; its heartbeat stays the one every member has.
     * Consumer protocol: the session is the broker's, the same for every member.
     */
    private static Map<String, Object> leavingMember(LabKafka kafka, String group, String protocol, int session) {
        Map<String, Object> config = Members.config(kafka.backend(), group, protocol, 300_000);
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        }
        return config;
    }

    private static Map<String, Object> staticMember(LabKafka kafka, String group, String protocol, String instanceId) {
        Map<String, Object> config = Members.config(kafka.backend(), group, protocol, 300_000);
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        if (protocol.equals("classic")) {
            int session = kafka.settings().classicSessionTimeoutMs(STATIC_CLASSIC_SESSION_MS);
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, session / 6);
        }
        return config;
    }

    private static void awaitSplit(SteadyMember survivor, java.util.concurrent.Callable<Boolean> otherHasOne) {
        await("each member owns one partition").atMost(TIMEOUT)
                .until(() -> otherHasOne.call() && survivor.assignment().size() == 1);
    }

    /** Waits until the survivor owns both partitions; returns when. */
    private static long awaitBoth(SteadyMember survivor, Duration timeout) {
        await("the survivor owns both partitions").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> survivor.assignment().size() == 2);
        return survivor.assignments.get(survivor.assignments.size() - 1).atMillis();
    }
}

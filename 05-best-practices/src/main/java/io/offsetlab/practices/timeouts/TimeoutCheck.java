package io.offsetlab.practices.timeouts;

import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.run.UsageException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * §5 "set max.poll.interval.ms and session.timeout.ms so that a slow consumer is not kicked
 * out": the arithmetic, checked. The one processing-time limit is max.poll.interval.ms, and
 * what must fit in it is the worst batch: max.poll.records x time per record. Session timeout
 * does not limit processing at all (heartbeats come from a background thread, KIP-62); it
 * only decides how long a crashed member's partitions wait. Chapter 04 proves both.
 *
 * <pre>./run timeout-check --max-poll-records 500 --time-per-record-ms 700 [--max-poll-interval-ms 300000]
 *                    [--session-timeout-ms 45000] [--heartbeat-interval-ms 3000] [--protocol classic|consumer]</pre>
 * Exit 0: the batch fits with headroom; {@value #EXIT_AT_RISK}: under the limit without
 * headroom; {@value #EXIT_EVICTED}: over the limit; 2: bad command line.
 */
public final class TimeoutCheck {

    /** A batch may use at most this share of max.poll.interval.ms: the rest absorbs GC pauses, retries, slow calls. */
    static final double HEADROOM = 0.5;

    /** Kafka 4.4 defaults. */
    static final int DEFAULT_MAX_POLL_RECORDS = 500;
    static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;
    static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

    public enum Verdict { FITS, AT_RISK, EVICTED }

    /** Exit codes a script can tell apart: 1 and 2 keep their meaning of "failed" and "bad command line". */
    static final int EXIT_AT_RISK = 3;
    static final int EXIT_EVICTED = 4;

    /** The settings to check; sessionTimeoutMs and heartbeatIntervalMs null when not set (the defaults apply). */
    public record Settings(int maxPollRecords, double msPerRecord, int maxPollIntervalMs, Integer sessionTimeoutMs,
                           Integer heartbeatIntervalMs, String protocol) {
    }

    /** The verdict, what was found, and what to change. */
    public record Result(Verdict verdict, double batchMs, List<String> findings, List<String> advice) {
    }

    private TimeoutCheck() {
    }

    public static Result check(Settings s) {
        List<String> findings = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        double batchMs = s.maxPollRecords() * s.msPerRecord();
        Verdict verdict = pollInterval(s, batchMs, findings, advice);
        session(s, findings, advice);
        return new Result(verdict, batchMs, List.copyOf(findings), List.copyOf(advice));
    }

    private static Verdict pollInterval(Settings s, double batchMs, List<String> findings, List<String> advice) {
        String batch = String.format(Locale.ROOT, "a full batch takes %s x %s ms = %s ms", s.maxPollRecords(),
                number(s.msPerRecord()), number(batchMs));
        double share = batchMs / s.maxPollIntervalMs();
        if (share <= HEADROOM) {
            findings.add(batch + ", " + percent(share) + " of max.poll.interval.ms=" + s.maxPollIntervalMs() + ": fits, with headroom.");
            return Verdict.FITS;
        }
        if (share >= 1) {
            findings.add(batch + ", more than max.poll.interval.ms=" + s.maxPollIntervalMs() + ": the member leaves the group"
                    + " in the middle of a batch, another member re-reads it, and this one's commit fails.");
        } else {
            findings.add(batch + ", " + percent(share) + " of max.poll.interval.ms=" + s.maxPollIntervalMs()
                    + ": under the limit, but a slow spell (GC, a retrying call) gets it evicted.");
        }
        int records = (int) Math.floor(s.maxPollIntervalMs() * HEADROOM / s.msPerRecord());
        long interval = (long) Math.ceil(batchMs / HEADROOM);
        if (records >= 1) {
            advice.add("max.poll.records=" + records + " (a batch then takes at most half of max.poll.interval.ms)");
        } else {
            advice.add("one record alone takes more than half of max.poll.interval.ms: no max.poll.records helps");
        }
        advice.add("or max.poll.interval.ms=" + interval + " (twice the batch; it is also the rebalance timeout,"
                + " so a rebalance may wait that long for this member)");
        advice.add("or process elsewhere and keep polling: pause() the partitions, resume() when done (chapter 04)");
        return share >= 1 ? Verdict.EVICTED : Verdict.AT_RISK;
    }

    private static void session(Settings s, List<String> findings, List<String> advice) {
        if (s.protocol().equals("consumer")) {
            if (s.sessionTimeoutMs() != null || s.heartbeatIntervalMs() != null) {
                findings.add("session.timeout.ms and heartbeat.interval.ms cannot be set with group.protocol=consumer:"
                        + " the consumer throws a ConfigException. The broker decides: group.consumer.session.timeout.ms"
                        + " (default 45000) and group.consumer.heartbeat.interval.ms (default 5000).");
                advice.add("remove session.timeout.ms and heartbeat.interval.ms from the consumer's config;"
                        + " change them per group with kafka-configs --entity-type groups if needed");
            }
            return;
        }
        int session = s.sessionTimeoutMs() == null ? DEFAULT_SESSION_TIMEOUT_MS : s.sessionTimeoutMs();
        int heartbeat = s.heartbeatIntervalMs() == null ? DEFAULT_HEARTBEAT_INTERVAL_MS : s.heartbeatIntervalMs();
        if (heartbeat >= session) {
            findings.add("heartbeat.interval.ms=" + heartbeat + " is not below session.timeout.ms=" + session
                    + ": the consumer refuses to start.");
            advice.add("heartbeat.interval.ms=" + session / 3 + " (a third of the session timeout)");
        } else if (heartbeat * 3 > session) {
            findings.add("heartbeat.interval.ms=" + heartbeat + " is more than a third of session.timeout.ms=" + session
                    + ": two lost heartbeats end the session.");
            advice.add("heartbeat.interval.ms=" + session / 3);
        }
        if (session < 6000 || session > 1_800_000) {
            findings.add("session.timeout.ms=" + session + " is outside the broker's default range 6000..1800000"
                    + " (group.min/max.session.timeout.ms): joining fails with InvalidSessionTimeoutException.");
        }
        findings.add("session.timeout.ms=" + session + " does not limit processing (heartbeats come from a background"
                + " thread); it is how long a crashed member's partitions wait for a new owner.");
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    // ---- command line -------------------------------------------------------------------

    static final Runner RUNNER = Runner.local("./run timeout-check", TimeoutCheck::report)
            .describe("§5 does max.poll.records x time per record fit max.poll.interval.ms? (no broker needed)\n"
                    + "exit 0: fits with headroom; " + EXIT_AT_RISK + ": at risk; " + EXIT_EVICTED + ": evicted; 2: bad command line")
            .option("--max-poll-records", "N", "records per poll() (default 500)")
            .option("--time-per-record-ms", "MS", "measured or expected processing time per record (required)")
            .option("--max-poll-interval-ms", "MS", "default 300000")
            .option("--session-timeout-ms", "MS", "classic only; default 45000")
            .option("--heartbeat-interval-ms", "MS", "classic only; default 3000")
            .choice("--protocol", "the consumer's group.protocol (default classic)", "classic", "consumer");

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return RUNNER.run(args, out, err);
    }

    /** The verdict on the command line's settings, what was found and what to change; its exit code. */
    private static int report(Arguments args, PrintStream out, PrintStream err) {
        Result result = check(settings(args));
        out.println("verdict: " + result.verdict());
        result.findings().forEach(f -> out.println("  - " + f));
        if (!result.advice().isEmpty()) {
            out.println("change one of:");
            result.advice().forEach(a -> out.println("  - " + a));
        }
        return switch (result.verdict()) {
            case FITS -> Runner.OK;
            case AT_RISK -> EXIT_AT_RISK;
            case EVICTED -> EXIT_EVICTED;
        };
    }

    static Settings settings(Arguments args) {
        if (args.option("--time-per-record-ms", null) == null) {
            throw new UsageException("--time-per-record-ms is required: measure it, e.g. as processing time / records");
        }
        return new Settings(args.positiveInt("--max-poll-records", DEFAULT_MAX_POLL_RECORDS),
                args.positiveNumber("--time-per-record-ms", 0, Double.MAX_VALUE),
                args.positiveInt("--max-poll-interval-ms", DEFAULT_MAX_POLL_INTERVAL_MS),
                optionalInt(args, "--session-timeout-ms"), optionalInt(args, "--heartbeat-interval-ms"),
                args.option("--protocol", "classic"));
    }

    private static Integer optionalInt(Arguments args, String name) {
        return args.option(name, null) == null ? null : args.positiveInt(name, 0);
    }
}

package io.offsetlab.lab.broker;

import io.offsetlab.lab.run.Arguments;
import io.offsetlab.lab.run.LocalMachine;
import io.offsetlab.lab.run.Runner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * The lab's standalone broker: a real Kafka {@value LabBrokerConfig#KAFKA_VERSION} broker on
 * 127.0.0.1 until Ctrl-C, for any client: Kafka's own scripts, kcat, a Python client, or the
 * demos with {@code --bootstrap-server}.
 *
 * <pre>./run broker [--port 9092] [--data-dir DIR] [--defaults] [--sasl]</pre>
 */
public final class BrokerMain {

    static final String PORT = "--port";
    static final String DATA_DIR = "--data-dir";
    static final String DEFAULTS = "--defaults";
    static final String SASL = "--sasl";
    static final String BROKERS = "--brokers";

    static final Runner RUNNER = Runner.local("./run broker", BrokerMain::start)
            .describe("Runs a single-node Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + " broker (KRaft) on 127.0.0.1 until Ctrl-C.")
            .option(PORT, "PORT", "client port on 127.0.0.1 (default 9092, as the article assumes)")
            .option(DATA_DIR, "DIR", "keep the broker's data in DIR, so a restart keeps topics and committed offsets"
                    + " (default: a temporary directory, deleted on exit)")
            .flag(DEFAULTS, "Kafka's default settings, as on a real cluster (offsets kept 7 days, sessions of 6 s classic"
                    + " and 45 s consumer at least, ...), instead of the lab's short ones; only the internal topics get 1 replica")
            .flag(SASL, "secured: SASL_PLAINTEXT with PLAIN, ACLs (StandardAuthorizer), a super user and an ordinary user;"
                    + " their client settings are written to the data dir, to use with --command-config")
            .checkOptions(args -> ServeArgs.of(args, 1));

    private BrokerMain() {
    }

    public static void main(String[] args) {
        RUNNER.main(args);
    }

    /**
     * What ./run broker and ./run cluster were asked for: --port, --data-dir, --defaults, --sasl,
     * and for a cluster --brokers; a {@link UsageException} for a value that does not fit.
     */
    record ServeArgs(int port, Path dataDir, boolean kafkaDefaults, boolean sasl, int brokers) {
        static ServeArgs of(Arguments args, int defaultBrokers) {
            int port = args.wholeNumber(PORT, 9092, 1, 65535);
            int brokers = args.wholeNumber(BROKERS, defaultBrokers, 1, 9);
            Arguments.wholeNumber(Integer.toString(port + brokers - 1), 1, 65535, "the last node's port (--port plus --brokers minus 1)");
            String dataDir = args.option(DATA_DIR, null);
            return new ServeArgs(port, dataDir == null ? null : Path.of(dataDir), args.flag(DEFAULTS), args.flag(SASL), brokers);
        }

        /** The ports it would take that are in use; a message for the first, or null. */
        String portInUse() {
            return IntStream.range(port, port + brokers).filter(p -> !LocalMachine.portIsFree(p)).mapToObj(p -> "port " + p
                    + " on 127.0.0.1 is already in use (another Kafka broker?). Stop that process or choose another port with "
                    + "--port.").findFirst().orElse(null);
        }
    }

    private static int start(Arguments args, PrintStream out, PrintStream err) {
        ServeArgs parsed = ServeArgs.of(args, 1);
        if (parsed.portInUse() != null) {
            err.println("broker: " + parsed.portInUse());
            return Runner.FAILED;
        }
        Map<String, String> settings = parsed.kafkaDefaults() ? LabBrokerConfig.kafkaDefaults(1) : LabBrokerConfig.defaults();
        return serve(new EmbeddedKafkaBroker.Options(parsed.port(), parsed.dataDir(), settings,
                parsed.sasl() ? SaslUsers.random() : null), parsed.kafkaDefaults());
    }

    private static int serve(EmbeddedKafkaBroker.Options options, boolean kafkaDefaults) {
        System.out.println("Starting Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + " (KRaft, single node) on 127.0.0.1:"
                + options.port() + " ...");
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(options);
        } catch (RuntimeException e) {
            System.err.println("broker: could not start: " + e.getMessage());
            return Runner.FAILED;
        }
        // Ctrl-C (SIGINT) and kill (SIGTERM) run shutdown hooks: stop the broker cleanly so
        // its log and committed offsets are flushed, and delete a temporary data dir.
        CountDownLatch stopped = stopOnShutdown("broker", broker::close);
        System.out.printf("Ready in %.1f s.%n", broker.startMillis() / 1000.0);
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        describe(broker.dataDir(), options.dataDir() == null, kafkaDefaults ? "Kafka's defaults (internal topics: 1 replica, "
                + "as one node needs)" : null);
        if (broker.saslUsers() == null) {
            System.out.println("Try:  kafka-console-producer.sh --bootstrap-server " + broker.bootstrapServers() + " --topic my-topic");
            System.out.println("      kcat -b " + broker.bootstrapServers() + " -L");
        } else {
            printUsers(broker.bootstrapServers(), broker.dataDir());
        }
        System.out.println("Press Ctrl-C to stop.");
        return awaitStop(stopped);
    }

    /**
     * Registers the shutdown hook that Ctrl-C (SIGINT) and kill (SIGTERM) run: it stops what
     * was started, with {@code stop}, saying so. The latch opens once that is done.
     */
    static CountDownLatch stopOnShutdown(String what, Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the " + what + " ...");
            stop.run();
            System.out.println(Character.toUpperCase(what.charAt(0)) + what.substring(1) + " stopped.");
            stopped.countDown();
        }, what + "-shutdown"));
        return stopped;
    }

    /** Waits for the shutdown hook to finish; exit code 0. */
    static int awaitStop(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Runner.OK;
    }

    /** Where the data is and whether it stays; which settings. {@code kafkaDefaults} null: the lab's. */
    static void describe(Path dataDir, boolean temporary, String kafkaDefaults) {
        System.out.println(temporary
                ? "Data: " + dataDir + " (temporary: deleted on exit; --data-dir DIR keeps it)"
                : "Data: " + dataDir + " (kept on exit; restart with the same --data-dir to keep offsets)");
        System.out.println(kafkaDefaults != null ? "Settings: " + kafkaDefaults
                : "Settings: the lab's short timeouts and intervals (--defaults for Kafka's own)");
    }

    /** Who may log in, and where their client settings are; the passwords stay in those files. */
    static void printUsers(String bootstrap, Path dataDir) {
        Path admin = SaslUsers.clientFile(dataDir, SaslUsers.ADMIN);
        Path user = SaslUsers.clientFile(dataDir, SaslUsers.USER);
        System.out.println("Security: SASL_PLAINTEXT with PLAIN; ACLs (StandardAuthorizer). Client settings (passwords inside):");
        System.out.println("  User:" + SaslUsers.ADMIN + "  super user            " + admin);
        System.out.println("  User:" + SaslUsers.USER + "  only what ACLs allow  " + user);
        System.out.println("Try:  ./run 01 --bootstrap-server " + bootstrap + " --command-config " + admin);
    }
}

package io.offsetlab.lab.broker;

import io.offsetlab.lab.run.DemoArgs;
import io.offsetlab.lab.run.DemoRunner;
import io.offsetlab.lab.run.LocalMachine;

import io.offsetlab.lab.run.DemoArgs.UsageException;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * The lab's standalone broker: a real Kafka {@value LabBrokerConfig#KAFKA_VERSION} broker on
 * 127.0.0.1 until Ctrl-C, for any client: Kafka's own scripts, kcat, a Python client, or the
 * demos with {@code --bootstrap-server}.
 *
 * <pre>./run broker [--port 9092] [--data-dir DIR] [--defaults] [--sasl]</pre>
 */
public final class BrokerMain {

    static final String USAGE = """
            usage: ./run broker [--port PORT] [--data-dir DIR] [--defaults] [--sasl]
            Runs a single-node Apache Kafka %s broker (KRaft) on 127.0.0.1 until Ctrl-C.

            options:
              --port PORT     client port on 127.0.0.1 (default 9092, as the article assumes)
              --data-dir DIR  keep the broker's data in DIR, so a restart keeps topics and
                              committed offsets (default: a temporary directory, deleted on exit)
              --defaults      Kafka's default settings, as on a real cluster (offsets kept 7 days,
                              sessions of 6 s classic and 45 s consumer at least, ...), instead of
                              the lab's short ones; only the internal topics get 1 replica
              --sasl          secured: SASL_PLAINTEXT with PLAIN, ACLs (StandardAuthorizer), a
                              super user and an ordinary user; their client settings are written
                              to the data dir, to use with --command-config
              --help          show this help and exit
            """.formatted(LabBrokerConfig.KAFKA_VERSION);

    private BrokerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The command line of {@code ./run broker} and {@code ./run cluster}: --port, --data-dir,
     * --defaults, --sasl, and for a cluster --brokers. A {@link UsageException} for anything else.
     */
    record Args(boolean help, int port, Path dataDir, boolean kafkaDefaults, boolean sasl, int brokers) {
        static Args parse(String[] args, boolean cluster) {
            int port = 9092;
            Path dataDir = null;
            boolean kafkaDefaults = false;
            boolean sasl = false;
            int brokers = cluster ? 3 : 1;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        return new Args(true, port, null, false, false, brokers);
                    }
                    case "--port" -> port = DemoArgs.parsePort(value(args, ++i, "--port"), "--port");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "--defaults" -> kafkaDefaults = true;
                    case "--sasl" -> sasl = true;
                    case "--brokers" -> {
                        if (!cluster) {
                            throw new UsageException("--brokers is for ./run cluster");
                        }
                        brokers = brokers(value(args, ++i, "--brokers"));
                    }
                    default -> throw new UsageException("unknown argument: " + args[i]);
                }
            }
            DemoArgs.parsePort(Integer.toString(port + brokers - 1), "the last node's port (--port plus --brokers minus 1)");
            return new Args(false, port, dataDir, kafkaDefaults, sasl, brokers);
        }

        private static int brokers(String text) {
            try {
                int n = Integer.parseInt(text);
                if (n >= 1 && n <= 9) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException("--brokers must be a number from 1 to 9, got '" + text + "'");
        }

        /** The ports it would take that are in use; a message for the first, or null. */
        String portInUse() {
            return IntStream.range(port, port + brokers).filter(p -> !LocalMachine.portIsFree(p)).mapToObj(p -> "port " + p
                    + " on 127.0.0.1 is already in use (another Kafka broker?). Stop that process or choose another port with "
                    + "--port.").findFirst().orElse(null);
        }
    }

    static int run(String[] args) {
        return run("broker", USAGE, args, false, parsed -> {
            Map<String, String> settings = parsed.kafkaDefaults() ? LabBrokerConfig.kafkaDefaults(1) : LabBrokerConfig.defaults();
            return serve(new EmbeddedKafkaBroker.Options(parsed.port(), parsed.dataDir(), settings,
                    parsed.sasl() ? SaslUsers.random() : null), parsed.kafkaDefaults());
        });
    }

    /**
     * What ./run broker and ./run cluster do before they serve: parse the command line, answer
     * --help (exit 0) and bad usage (exit 2), refuse ports in use (exit 1).
     */
    static int run(String command, String usage, String[] args, boolean cluster, ToIntFunction<Args> serve) {
        Args parsed;
        try {
            parsed = Args.parse(args, cluster);
        } catch (UsageException e) {
            System.err.println(command + ": " + e.getMessage() + "\n");
            System.err.print(usage);
            return DemoRunner.USAGE;
        }
        if (parsed.help()) {
            System.out.print(usage);
            return DemoRunner.OK;
        }
        if (parsed.portInUse() != null) {
            System.err.println(command + ": " + parsed.portInUse());
            return DemoRunner.FAILED;
        }
        return serve.applyAsInt(parsed);
    }

    private static int serve(EmbeddedKafkaBroker.Options options, boolean kafkaDefaults) {
        System.out.println("Starting Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + " (KRaft, single node) on 127.0.0.1:"
                + options.port() + " ...");
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(options);
        } catch (RuntimeException e) {
            System.err.println("broker: could not start: " + e.getMessage());
            return DemoRunner.FAILED;
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
        return DemoRunner.OK;
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

    static String value(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[i];
    }
}

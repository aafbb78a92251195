package io.offsetlab.lab;

import io.offsetlab.lab.DemoArgs.UsageException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

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

    static int run(String[] args) {
        int port = 9092;
        Path dataDir = null;
        boolean kafkaDefaults = false;
        boolean sasl = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        System.out.print(USAGE);
                        return DemoRunner.OK;
                    }
                    case "--port" -> port = DemoArgs.parsePort(value(args, ++i, "--port"), "--port");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "--defaults" -> kafkaDefaults = true;
                    case "--sasl" -> sasl = true;
                    default -> throw new UsageException("unknown argument: " + args[i]);
                }
            }
        } catch (UsageException e) {
            System.err.println("broker: " + e.getMessage() + "\n");
            System.err.print(USAGE);
            return DemoRunner.USAGE;
        }
        if (!portIsFree(port)) {
            System.err.println("broker: port " + port + " on 127.0.0.1 is already in use (another Kafka broker?). "
                    + "Stop that process or choose another port with --port.");
            return DemoRunner.FAILED;
        }
        Map<String, String> settings = kafkaDefaults ? LabBrokerConfig.kafkaDefaults(1) : LabBrokerConfig.defaults();
        return serve(new EmbeddedKafkaBroker.Options(port, dataDir, settings, sasl ? SaslUsers.random() : null), kafkaDefaults);
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
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C (SIGINT) and kill (SIGTERM) run shutdown hooks: stop the broker cleanly so
        // its log and committed offsets are flushed, and delete a temporary data dir.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the broker ...");
            broker.close();
            System.out.println("Broker stopped.");
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.printf("Ready in %.1f s.%n", broker.startMillis() / 1000.0);
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.println(options.dataDir() == null
                ? "Data: " + broker.dataDir() + " (temporary: deleted on exit; --data-dir DIR keeps it)"
                : "Data: " + broker.dataDir() + " (kept on exit; restart with the same --data-dir to keep offsets)");
        System.out.println(kafkaDefaults
                ? "Settings: Kafka's defaults (internal topics: 1 replica, as one node needs)"
                : "Settings: the lab's short timeouts and intervals (--defaults for Kafka's own)");
        if (broker.saslUsers() == null) {
            System.out.println("Try:  kafka-console-producer.sh --bootstrap-server " + broker.bootstrapServers() + " --topic my-topic");
            System.out.println("      kcat -b " + broker.bootstrapServers() + " -L");
        } else {
            printUsers(broker);
        }
        System.out.println("Press Ctrl-C to stop.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DemoRunner.OK;
    }

    /** Who may log in, and where their client settings are; the passwords stay in those files. */
    private static void printUsers(EmbeddedKafkaBroker broker) {
        Path admin = SaslUsers.clientFile(broker.dataDir(), SaslUsers.ADMIN);
        Path user = SaslUsers.clientFile(broker.dataDir(), SaslUsers.USER);
        System.out.println("Security: SASL_PLAINTEXT with PLAIN; ACLs (StandardAuthorizer). Client settings (passwords inside):");
        System.out.println("  User:" + SaslUsers.ADMIN + "  super user            " + admin);
        System.out.println("  User:" + SaslUsers.USER + "  only what ACLs allow  " + user);
        System.out.println("Try:  ./run 01 --bootstrap-server " + broker.bootstrapServers() + " --command-config " + admin);
    }

    static String value(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[i];
    }

    static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

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
 * <pre>./run broker [--port 9092] [--data-dir DIR]</pre>
 */
public final class BrokerMain {

    static final String USAGE = """
            usage: ./run broker [--port PORT] [--data-dir DIR]
            Runs a single-node Apache Kafka %s broker (KRaft) on 127.0.0.1 until Ctrl-C.

            options:
              --port PORT     client port on 127.0.0.1 (default 9092, as the article assumes)
              --data-dir DIR  keep the broker's data in DIR, so a restart keeps topics and
                              committed offsets (default: a temporary directory, deleted on exit)
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
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        System.out.print(USAGE);
                        return DemoRunner.OK;
                    }
                    case "--port" -> port = DemoArgs.parsePort(value(args, ++i, "--port"), "--port");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
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
        return serve(port, dataDir);
    }

    private static int serve(int port, Path dataDir) {
        System.out.println("Starting Apache Kafka " + LabBrokerConfig.KAFKA_VERSION + " (KRaft, single node) on 127.0.0.1:" + port + " ...");
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(port, dataDir, Map.of());
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
        System.out.println(dataDir == null
                ? "Data: " + broker.dataDir() + " (temporary: deleted on exit; --data-dir DIR keeps it)"
                : "Data: " + broker.dataDir() + " (kept on exit; restart with the same --data-dir to keep offsets)");
        System.out.println("Try:  kafka-console-producer.sh --bootstrap-server " + broker.bootstrapServers() + " --topic my-topic");
        System.out.println("      kcat -b " + broker.bootstrapServers() + " -L");
        System.out.println("Press Ctrl-C to stop.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DemoRunner.OK;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[i];
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

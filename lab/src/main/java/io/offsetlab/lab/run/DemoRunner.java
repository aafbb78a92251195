package io.offsetlab.lab.run;

import io.offsetlab.lab.client.BrokerSettings;
import io.offsetlab.lab.view.Columns;
import io.offsetlab.lab.broker.EmbeddedKafkaBroker;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.broker.KafkaCluster;
import io.offsetlab.lab.client.KafkaFailures;
import io.offsetlab.lab.broker.LabBrokerConfig;

import io.offsetlab.lab.run.DemoArgs.Option;
import io.offsetlab.lab.run.DemoArgs.UsageException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What every chapter demo does around its own story: parse the command line, print the
 * article section, connect to the given cluster or start an embedded broker, run, stop
 * the broker, exit. Exit codes: 0 done, 1 failed (e.g. no broker answered), 2 bad usage.
 */
public final class DemoRunner {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** How long to wait for an external cluster before giving up with a clear message. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A chapter's demo: its story, told to {@code out} against {@code kafka}. */
    @FunctionalInterface
    public interface Demo {
        void run(KafkaBackend kafka, DemoArgs args, PrintStream out) throws Exception;
    }

    /**
     * Who the demo is: the command that starts it, its article section heading, its options,
     * settings its embedded broker needs on top of {@link LabBrokerConfig#defaults()}, the
     * broker settings its story depends on (read from the cluster and shown before it starts;
     * see {@link BrokerSettings}), and how many brokers: more than 1 starts a {@link KafkaCluster}
     * whose nodes the demo kills, so such a demo refuses --bootstrap-server.
     */
    public record Spec(String command, String section, List<Option> options, Map<String, String> brokerConfig,
                       List<String> brokerSettings, int brokers, Consumer<DemoArgs> optionCheck) {
        public Spec(String command, String section, List<Option> options, Map<String, String> brokerConfig,
                    List<String> brokerSettings, int brokers) {
            this(command, section, options, brokerConfig, brokerSettings, brokers, args -> { });
        }

        public Spec(String command, String section, List<Option> options, Map<String, String> brokerConfig,
                    List<String> brokerSettings) {
            this(command, section, options, brokerConfig, brokerSettings, 1);
        }

        public Spec(String command, String section) {
            this(command, section, List.of(), Map.of(), List.of());
        }

        /**
         * This spec, with a check of the demo's own option values that runs before any broker
         * starts or any cluster is contacted: a bad value is a usage error at once (exit 2).
         */
        public Spec checkingOptions(Consumer<DemoArgs> check) {
            return new Spec(command, section, options, brokerConfig, brokerSettings, brokers, check);
        }
    }

    private DemoRunner() {
    }

    /** Runs the demo and exits the JVM with its exit code (the broker's threads are gone by then). */
    public static void main(Spec spec, String[] args, Demo demo) {
        Logging.quietUnlessVerbose(args);
        System.exit(run(spec, args, demo, System.out, System.err));
    }

    public static int run(Spec spec, String[] args, Demo demo, PrintStream out, PrintStream err) {
        DemoArgs parsed;
        try {
            parsed = DemoArgs.parse(args, spec.options());
            if (!parsed.help()) {
                spec.optionCheck().accept(parsed);
            }
        } catch (UsageException e) {
            return usageError(spec, e, err);
        }
        if (parsed.help()) {
            out.print(DemoArgs.usage(spec.command(), spec.section(), spec.options()));
            return OK;
        }
        out.println(Columns.wrap(spec.section(), Columns.TERMINAL, "   "));
        out.println();
        if (parsed.bootstrapServers() != null && spec.brokers() > 1) {
            return usageError(spec, new UsageException("this demo kills brokers, so it runs only on the " + spec.brokers()
                    + "-node cluster it starts itself: leave out --bootstrap-server"), err);
        }
        KafkaBackend kafka;
        try {
            kafka = connect(spec, parsed, out);
        } catch (RuntimeException e) { // no answer, a failed login, an unreadable --command-config file ...
            err.println(spec.command() + ": " + e.getMessage());
            return FAILED;
        }
        try (kafka) {
            showSettings(spec, kafka, out);
            demo.run(kafka, parsed, out);
            return OK;
        } catch (UsageException e) { // an option's value the demo checks itself
            return usageError(spec, e, err);
        } catch (Exception e) {
            err.println(spec.command() + ": the demo failed: " + KafkaFailures.explain(e, kafka));
            if (System.getenv("OFFSETLAB_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set OFFSETLAB_DEBUG=1 to see the stack trace)");
            }
            return FAILED;
        }
    }

    private static int usageError(Spec spec, UsageException e, PrintStream err) {
        err.println(spec.command() + ": " + e.getMessage());
        err.println();
        err.print(DemoArgs.usage(spec.command(), spec.section(), spec.options()));
        return USAGE;
    }

    /** The broker settings the story depends on, one per line, and where they were read. */
    private static void showSettings(Spec spec, KafkaBackend kafka, PrintStream out) {
        if (spec.brokerSettings().isEmpty()) {
            return;
        }
        BrokerSettings settings = BrokerSettings.of(kafka);
        out.println("broker settings this demo depends on (" + settings.source() + "):");
        for (String key : spec.brokerSettings()) {
            out.printf("  %-40s %s%n", key, settings.value(key));
        }
        out.println();
    }

    /** A step heading, underlined: demos print one before each step of their story. */
    public static void heading(PrintStream out, String title) {
        out.println(title);
        out.println("-".repeat(Math.min(Columns.of(title), Columns.TERMINAL)));
    }

    private static KafkaBackend connect(Spec spec, DemoArgs args, PrintStream out) {
        if (args.bootstrapServers() != null) {
            ExternalCluster cluster = new ExternalCluster(args.bootstrapServers(), args.commandConfig());
            cluster.checkReachable(CONNECT_TIMEOUT);
            out.println(Columns.wrap("broker: " + cluster.description() + " (--bootstrap-server given)", Columns.TERMINAL, "  "));
            return cluster;
        }
        if (spec.brokers() > 1) {
            out.println("broker: starting a " + spec.brokers() + "-node Kafka " + LabBrokerConfig.KAFKA_VERSION
                    + " cluster, one process per node ...");
            KafkaCluster cluster = KafkaCluster.start(KafkaCluster.Options.lab(spec.brokers(), spec.brokerConfig()));
            out.printf("broker: ready in %.1f s, bootstrap.servers=%s%n", cluster.startMillis() / 1000.0, cluster.bootstrapServers());
            return cluster;
        }
        out.println("broker: starting an embedded Kafka " + LabBrokerConfig.KAFKA_VERSION
                + " broker (no --bootstrap-server given) ...");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(spec.brokerConfig());
        out.printf("broker: %s, ready in %.1f s%n", broker.description(), broker.startMillis() / 1000.0);
        return broker;
    }
}

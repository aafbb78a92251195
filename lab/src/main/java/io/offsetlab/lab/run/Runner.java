package io.offsetlab.lab.run;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.KafkaFailures;
import io.offsetlab.lab.run.Arguments.Option;
import io.offsetlab.lab.view.Columns;

import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What every demo and tool of the lab does around its own work: parse the command line, answer
 * {@code --help}, reach a cluster (or start one), run, and exit. Three kinds, each made by a
 * factory that takes the work itself, then named with calls that say what the command needs:
 * <pre>
 * static final Runner RUNNER = Runner.demo("./run 03", CommitStrategiesDemo::run)
 *         .describe("§3 ... what a crash re-reads or loses")
 *         .dependsOnBrokerSettings(BrokerSettings.GROUP_MIN_SESSION);
 *
 * public static void main(String[] args) {
 *     RUNNER.main(args);
 * }</pre>
 * <ul>
 *   <li>{@link #demo}: prints its section, starts an embedded broker unless given
 *       {@code --bootstrap-server}, shows the broker settings its story depends on;</li>
 *   <li>{@link #tool}: works on a cluster that is already there, as Kafka's own tools do
 *       ({@code --bootstrap-server} required), through an Admin client;</li>
 *   <li>{@link #local}: reaches no cluster (the timeout check; the broker and cluster the lab serves).</li>
 * </ul>
 * Exit codes: {@value #OK} done, {@value #FAILED} failed (no broker answered, a failed login, a
 * missing ACL: one message, see {@link KafkaFailures}), {@value #USAGE} bad command line (the
 * cause, then the usage). A command may return its own codes from 3 up.
 *
 * <p>Why one class of about 330 lines: it is one command's life, in two halves that share eight
 * fields. The builder calls ({@link #describe} to {@link #helpFooter}, each a line or two under its
 * javadoc) only fill the fields; the run ({@link #run} to {@link #usage}: parse, check, reach the
 * cluster, run, turn what was thrown into an exit code) only reads them. A builder class apart
 * would hand all eight across, and a reader would follow one option from where it is declared to
 * where it is checked through two files. About 90 of the lines are javadoc and blank lines.
 */
public final class Runner {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** How long to wait for an external cluster before giving up with a clear message. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A chapter's demo: its story, told to {@code out} against {@code kafka}. */
    @FunctionalInterface
    public interface Demo {
        void run(KafkaBackend kafka, Arguments args, PrintStream out) throws Exception;
    }

    /** A tool's work on a cluster, through {@code admin}; returns the exit code. */
    @FunctionalInterface
    public interface Tool {
        int run(Admin admin, Arguments args, PrintStream out, PrintStream err) throws Exception;
    }

    /** A command that reaches no cluster; returns the exit code. */
    @FunctionalInterface
    public interface Local {
        int run(Arguments args, PrintStream out, PrintStream err) throws Exception;
    }

    private enum Kind { DEMO, TOOL, LOCAL }

    private final Kind kind;
    private final String command;
    private final Object work; // a Demo, a Tool or a Local, as kind says
    private String summary = "";
    private final List<Option> options = new ArrayList<>();
    private final List<String> requiredOptions = new ArrayList<>();
    private Consumer<Arguments> optionCheck = args -> { };
    private final Map<String, String> brokerConfig = new LinkedHashMap<>();
    private final List<String> brokerSettings = new ArrayList<>();
    private int brokers = 1;
    private String helpFooter;

    private Runner(Kind kind, String command, Object work) {
        this.kind = kind;
        this.command = command;
        this.work = work;
    }

    /** A demo, started as {@code command} (e.g. {@code "./run 03"}). */
    public static Runner demo(String command, Demo demo) {
        return new Runner(Kind.DEMO, command, demo);
    }

    /** A tool for an existing cluster, started as {@code command} (e.g. {@code "./run lag-monitor"}). */
    public static Runner tool(String command, Tool tool) {
        return new Runner(Kind.TOOL, command, tool);
    }

    /** A command that reaches no cluster, started as {@code command} (e.g. {@code "./run timeout-check"}). */
    public static Runner local(String command, Local local) {
        return new Runner(Kind.LOCAL, command, local);
    }

    /** What it is: a demo prints this first (its article section heading); the usage shows it under its first line. */
    public Runner describe(String summary) {
        this.summary = summary;
        return this;
    }

    /** An option that takes a value, shown in the usage as {@code name valueName  help}. */
    public Runner option(String name, String valueName, String help) {
        options.add(new Option(name, valueName, help, List.of()));
        return this;
    }

    /** The same, and a usage error ({@code NAME is required}) when it is not given. */
    public Runner requiredOption(String name, String valueName, String help) {
        requiredOptions.add(name);
        return option(name, valueName, help);
    }

    /** An option without a value: {@link Arguments#flag} says whether it was given. */
    public Runner flag(String name, String help) {
        options.add(new Option(name, null, help, List.of()));
        return this;
    }

    /** An option whose value must be one of {@code allowed}. */
    public Runner choice(String name, String help, String... allowed) {
        options.add(new Option(name, String.join("|", allowed), help, List.of(allowed)));
        return this;
    }

    /**
     * A check of the option values that runs before any broker starts or any cluster is
     * contacted: a {@link UsageException} it throws is a usage error at once.
     */
    public Runner checkOptions(Consumer<Arguments> check) {
        this.optionCheck = check;
        return this;
    }

    /** A demo: a setting of the broker it starts, on top of {@link LabBrokerConfig#defaults()}. */
    public Runner startsBrokerWith(String key, String value) {
        demoOnly("startsBrokerWith");
        brokerConfig.put(key, value);
        return this;
    }

    /** A demo: broker settings its story depends on, read from the cluster ({@link BrokerSettings}) and shown first. */
    public Runner dependsOnBrokerSettings(String... keys) {
        demoOnly("dependsOnBrokerSettings");
        brokerSettings.addAll(List.of(keys));
        return this;
    }

    /**
     * A demo that kills brokers: it starts a {@link KafkaCluster} of {@code nodes} and runs only
     * there, so {@code --bootstrap-server} is a usage error.
     */
    public Runner startsItsOwnCluster(int nodes) {
        demoOnly("startsItsOwnCluster");
        this.brokers = nodes;
        return this;
    }

    /** Text the usage ends with, after the options (e.g. what to type while it runs). */
    public Runner helpFooter(String text) {
        this.helpFooter = text;
        return this;
    }

    private void demoOnly(String call) {
        if (kind != Kind.DEMO) {
            throw new IllegalStateException(call + " is for demos; " + command + " is a " + kind.name().toLowerCase());
        }
    }

    /** Runs the command and exits the JVM with its exit code (a broker's threads are gone by then). */
    public void main(String[] args) {
        if (kind != Kind.LOCAL) {
            Logging.quietUnlessVerbose(args);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command: output to {@code out}, messages to {@code err}; returns the exit code. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        Arguments parsed;
        try {
            parsed = parseCommandLine(args);
        } catch (UsageException e) {
            return usageError(e, err);
        }
        if (parsed.help()) {
            out.print(usage());
            return OK;
        }
        return switch (kind) {
            case DEMO -> runDemo(parsed, out, err);
            case TOOL -> runTool(parsed, out, err);
            case LOCAL -> runLocal(parsed, out, err);
        };
    }

    /**
     * The command's own options in {@code args}, parsed and checked as on its command line, for a
     * caller that supplies the cluster itself (a demo that runs a tool on its own broker).
     */
    public Arguments parseOptions(String[] args) {
        Arguments parsed = Arguments.parse(args, options, kind != Kind.LOCAL);
        checkOwnOptions(parsed);
        return parsed;
    }

    private Arguments parseCommandLine(String[] args) {
        Arguments parsed = Arguments.parse(args, options, kind != Kind.LOCAL);
        if (!parsed.help()) {
            checkCluster(parsed);
            checkOwnOptions(parsed);
        }
        return parsed;
    }

    private void checkCluster(Arguments args) {
        if (kind == Kind.TOOL && args.bootstrapServers() == null) {
            throw new UsageException(Arguments.BOOTSTRAP_SERVER + " is required: this tool works on an existing cluster"
                    + " (start one with ./run broker)");
        }
        if (brokers > 1 && args.bootstrapServers() != null) {
            throw new UsageException("this demo kills brokers, so it runs only on the " + brokers
                    + "-node cluster it starts itself: leave out " + Arguments.BOOTSTRAP_SERVER);
        }
    }

    private void checkOwnOptions(Arguments args) {
        for (String name : requiredOptions) {
            if (!args.flag(name)) {
                throw new UsageException(name + " is required");
            }
        }
        optionCheck.accept(args);
    }

    private int runDemo(Arguments args, PrintStream out, PrintStream err) {
        out.println(Columns.wrap(summary, Columns.TERMINAL, "   "));
        out.println();
        KafkaBackend kafka;
        try {
            kafka = DemoCluster.connect(args, brokers, brokerConfig, out);
        } catch (RuntimeException e) { // no answer, a failed login, an unreadable --command-config file ...
            err.println(command + ": " + e.getMessage());
            return FAILED;
        }
        try (kafka) {
            DemoCluster.showSettings(brokerSettings, kafka, out);
            ((Demo) work).run(kafka, args, out);
            return OK;
        } catch (UsageException e) { // an option's value the demo checks itself
            return usageError(e, err);
        } catch (Exception e) {
            err.println(command + ": the demo failed: " + KafkaFailures.explain(e, kafka));
            if (System.getenv("OFFSETLAB_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set OFFSETLAB_DEBUG=1 to see the stack trace)");
            }
            return FAILED;
        }
    }

    private int runTool(Arguments args, PrintStream out, PrintStream err) {
        ExternalCluster cluster;
        try {
            cluster = new ExternalCluster(args.bootstrapServers(), args.commandConfig());
            cluster.checkReachable(CONNECT_TIMEOUT);
        } catch (RuntimeException e) { // no answer, a failed login, an unreadable --command-config file ...
            err.println(command + ": " + e.getMessage());
            return FAILED;
        }
        try (Admin admin = Admin.create(ClientConfigs.admin(cluster))) {
            return ((Tool) work).run(admin, args, out, err);
        } catch (UsageException e) {
            return usageError(e, err);
        } catch (IllegalArgumentException e) { // a request the tool refused, in the words of Kafka's own tool
            err.println(command + ": " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println(command + ": failed: " + KafkaFailures.explain(e, cluster));
            return FAILED;
        }
    }

    private int runLocal(Arguments args, PrintStream out, PrintStream err) {
        try {
            return ((Local) work).run(args, out, err);
        } catch (UsageException e) {
            return usageError(e, err);
        } catch (Exception e) {
            err.println(command + ": failed: " + KafkaFailures.describe(e));
            return FAILED;
        }
    }

    private int usageError(UsageException e, PrintStream err) {
        err.println(command + ": " + e.getMessage());
        err.println();
        err.print(usage());
        return USAGE;
    }

    /** The usage text: the first line, the summary, the options (cluster options first), then any footer. */
    public String usage() {
        String clusterHelp = switch (kind) {
            case DEMO -> "use this Kafka cluster instead of starting an embedded broker";
            case TOOL -> "the Kafka cluster to work on (required)";
            case LOCAL -> null;
        };
        return UsageText.of(command, summary, clusterHelp, options, helpFooter);
    }

    /** A step heading, underlined: demos print one before each step of their story. */
    public static void heading(PrintStream out, String title) {
        out.println(title);
        out.println("-".repeat(Math.min(Columns.of(title), Columns.TERMINAL)));
    }
}

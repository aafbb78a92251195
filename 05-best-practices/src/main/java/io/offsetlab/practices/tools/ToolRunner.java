package io.offsetlab.practices.tools;

import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.run.DemoArgs.Option;
import io.offsetlab.lab.run.DemoArgs.UsageException;
import io.offsetlab.lab.run.DemoArgs;
import io.offsetlab.lab.run.DemoRunner;
import io.offsetlab.lab.broker.ExternalCluster.BrokerUnreachableException;
import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.client.KafkaFailures;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the chapter's operator tools (lag monitor, offset reset) share with Kafka's own
 * command-line tools: they work on a cluster that is already there ({@code --bootstrap-server}
 * is required, {@code --command-config} for SASL/SSL), print to stdout, complain on stderr,
 * and exit 0 (done), 1 (failed or refused) or 2 (bad command line).
 */
public final class ToolRunner {

    /** One tool: its work, given an Admin client of the cluster; returns the exit code. */
    @FunctionalInterface
    public interface Tool {
        int run(Admin admin, DemoArgs args, PrintStream out, PrintStream err) throws Exception;
    }

    private static final String BOOTSTRAP_HELP = "the Kafka cluster to work on (required)";

    private ToolRunner() {
    }

    /**
     * @param validate checks the options' values before any connection (throws {@link UsageException})
     */
    public static int run(String command, String summary, List<Option> options, List<String> required,
                   Consumer<DemoArgs> validate, String[] args, Tool tool, PrintStream out, PrintStream err) {
        DemoArgs parsed;
        try {
            parsed = DemoArgs.parse(args, options);
            if (!parsed.help()) {
                requireOptions(parsed, required);
                validate.accept(parsed);
            }
        } catch (UsageException e) {
            err.println(command + ": " + e.getMessage());
            err.println();
            err.print(DemoArgs.usage(command, summary, options, BOOTSTRAP_HELP));
            return DemoRunner.USAGE;
        }
        if (parsed.help()) {
            out.print(DemoArgs.usage(command, summary, options, BOOTSTRAP_HELP));
            return DemoRunner.OK;
        }
        ExternalCluster cluster = new ExternalCluster(parsed.bootstrapServers(), parsed.commandConfig());
        try {
            cluster.checkReachable(DemoRunner.CONNECT_TIMEOUT);
            try (Admin admin = Admin.create(ClientConfigs.admin(cluster))) {
                return tool.run(admin, parsed, out, err);
            }
        } catch (BrokerUnreachableException | IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            return DemoRunner.FAILED;
        } catch (Exception e) {
            err.println(command + ": failed: " + KafkaFailures.explain(e, cluster));
            return DemoRunner.FAILED;
        }
    }

    private static void requireOptions(DemoArgs args, List<String> required) {
        if (args.bootstrapServers() == null) {
            throw new UsageException("--bootstrap-server is required: this tool works on an existing cluster"
                    + " (start one with ./run broker)");
        }
        for (String name : required) {
            if (args.option(name, null) == null) {
                throw new UsageException(name + " is required");
            }
        }
    }
}

package io.offsetlab.lab.run;

import io.offsetlab.lab.run.Arguments.Option;
import io.offsetlab.lab.view.Columns;

import java.util.ArrayList;
import java.util.List;

/**
 * A command's usage, as the {@link Runner} prints it for {@code --help} and after a usage error:
 * {@code usage: COMMAND [options]}, the summary, one line per option (a long help wraps under
 * its first word, every line within {@link Columns#TERMINAL} columns), then any footer.
 */
final class UsageText {

    private UsageText() {
    }

    /**
     * @param clusterHelp what --bootstrap-server means to this command; null for a command that
     *                    reaches no cluster, which then lists none of the cluster options
     * @param footer      text after the options, or null
     */
    static String of(String command, String summary, String clusterHelp, List<Option> options, String footer) {
        List<String[]> lines = new ArrayList<>();
        if (clusterHelp != null) {
            lines.add(new String[] {Arguments.BOOTSTRAP_SERVER + " HOST:PORT", clusterHelp});
            lines.add(new String[] {Arguments.COMMAND_CONFIG + " FILE", "client properties for that cluster (SASL/SSL), as for Kafka's tools"});
        }
        for (Option o : options) {
            lines.add(new String[] {o.name() + (o.takesValue() ? " " + o.valueName() : ""), o.help()});
        }
        if (clusterHelp != null) {
            lines.add(new String[] {Logging.VERBOSE, "also show Kafka's own log lines (its clients at INFO)"});
        }
        lines.add(new String[] {"--help", "show this help and exit"});
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder("usage: " + command + " [options]\n" + Columns.wrap(summary, Columns.TERMINAL, "   ")
                + "\n\noptions:\n");
        for (String[] line : lines) {
            out.append(Columns.wrap(String.format("  %-" + width + "s  %s", line[0], line[1]), Columns.TERMINAL,
                    " ".repeat(width + 4))).append('\n');
        }
        return footer == null ? out.toString() : out.append('\n').append(footer).toString();
    }
}

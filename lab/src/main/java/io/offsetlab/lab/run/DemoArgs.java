package io.offsetlab.lab.run;

import io.offsetlab.lab.view.Columns;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line every demo accepts: {@code --bootstrap-server HOST:PORT[,HOST:PORT]},
 * {@code --command-config FILE}, {@code --verbose}, {@code --help}, plus options a demo declares itself.
 * Anything else is a {@link UsageException}.
 */
public final class DemoArgs {

    /**
     * An extra option of one demo: a flag when {@code valueName} is null; when
     * {@code allowed} is not empty, its value must be one of them.
     */
    public record Option(String name, String valueName, String help, List<String> allowed) {
        public Option(String name, String valueName, String help) {
            this(name, valueName, help, List.of());
        }

        public static Option flag(String name, String help) {
            return new Option(name, null, help);
        }

        /** An option whose value must be one of {@code allowed}. */
        public static Option choice(String name, String help, String... allowed) {
            return new Option(name, String.join("|", allowed), help, List.of(allowed));
        }

        boolean takesValue() {
            return valueName != null;
        }
    }

    /** Bad command line; the message says what is wrong, for the person who typed it. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    private String bootstrapServers;
    private Path commandConfig;
    private boolean help;
    private final Map<String, String> extras = new LinkedHashMap<>();

    private DemoArgs() {
    }

    public static DemoArgs parse(String[] args, List<Option> options) {
        DemoArgs parsed = new DemoArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> parsed.help = true;
                case Logging.VERBOSE -> { } // acted on before parsing: Logging.quietUnlessVerbose
                case "--bootstrap-server" -> parsed.bootstrapServers = validateBootstrap(value(args, ++i, arg));
                case "--command-config" -> parsed.commandConfig = validateFile(value(args, ++i, arg));
                default -> {
                    Option option = options.stream().filter(o -> o.name().equals(arg)).findFirst()
                            .orElseThrow(() -> new UsageException("unknown argument: " + arg));
                    parsed.extras.put(arg, option.takesValue() ? checked(option, value(args, ++i, arg)) : "true");
                }
            }
        }
        if (parsed.commandConfig != null && parsed.bootstrapServers == null) {
            throw new UsageException("--command-config needs --bootstrap-server: it configures the clients of that cluster");
        }
        return parsed;
    }

    private static String checked(Option option, String value) {
        if (!option.allowed().isEmpty() && !option.allowed().contains(value)) {
            throw new UsageException(option.name() + " must be one of " + String.join(", ", option.allowed())
                    + ", got '" + value + "'");
        }
        return value;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[i];
    }

    /** HOST:PORT[,HOST:PORT...] with ports 1-65535, as Kafka's tools accept. */
    static String validateBootstrap(String value) {
        for (String address : value.split(",", -1)) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new UsageException("--bootstrap-server expects HOST:PORT[,HOST:PORT...], got '" + value + "'");
            }
            parsePort(address.substring(colon + 1), "--bootstrap-server port in '" + address + "'");
        }
        return value;
    }

    /** A TCP port 1-65535, or a {@link UsageException} naming {@code what}. */
    public static int parsePort(String text, String what) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(what + " must be a number from 1 to 65535, got '" + text + "'");
    }

    private static Path validateFile(String value) {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException("--command-config: no readable file at " + value);
        }
        return path;
    }

    public boolean help() {
        return help;
    }

    /** The external cluster's address, or null to start an embedded broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path commandConfig() {
        return commandConfig;
    }

    public boolean flag(String name) {
        return extras.containsKey(name);
    }

    public String option(String name, String defaultValue) {
        return extras.getOrDefault(name, defaultValue);
    }

    /**
     * The value of option {@code name} as a whole number above 0, {@code defaultValue} when it
     * was not given; a {@link UsageException} naming the option otherwise.
     */
    public int positiveInt(String name, int defaultValue) {
        String text = extras.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a whole number above 0, got '" + text + "'");
    }

    /**
     * The value of option {@code name} as a number above 0 and at most {@code max},
     * {@code defaultValue} when it was not given; a {@link UsageException} naming the option
     * otherwise.
     */
    public double positiveNumber(String name, double defaultValue, double max) {
        String text = extras.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(text);
            if (value > 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String bound = max == Double.MAX_VALUE ? "" : " (at most " + BigDecimal.valueOf(max).stripTrailingZeros().toPlainString() + ")";
        throw new UsageException(name + " must be a number above 0" + bound + ", got '" + text + "'");
    }

    /** The usage text: the common options, then the demo's own. */
    public static String usage(String command, String summary, List<Option> options) {
        return usage(command, summary, options, "use this Kafka cluster instead of starting an embedded broker");
    }

    /** The usage text, with {@code bootstrapHelp} saying what --bootstrap-server means to this command. */
    public static String usage(String command, String summary, List<Option> options, String bootstrapHelp) {
        return usage(command, summary, options, bootstrapHelp, true);
    }

    /** The usage text of a command that talks to no Kafka cluster: only its own options and --help. */
    public static String usageWithoutKafka(String command, String summary, List<Option> options) {
        return usage(command, summary, options, null, false);
    }

    private static String usage(String command, String summary, List<Option> options, String bootstrapHelp, boolean kafka) {
        List<String[]> lines = new ArrayList<>();
        if (kafka) {
            lines.add(new String[] {"--bootstrap-server HOST:PORT", bootstrapHelp});
            lines.add(new String[] {"--command-config FILE", "client properties for that cluster (SASL/SSL), as for Kafka's tools"});
        }
        for (Option o : options) {
            lines.add(new String[] {o.name() + (o.takesValue() ? " " + o.valueName() : ""), o.help()});
        }
        if (kafka) {
            lines.add(new String[] {Logging.VERBOSE, "also show Kafka's own log lines (its clients at INFO)"});
        }
        lines.add(new String[] {"--help", "show this help and exit"});
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder("usage: " + command + " [options]\n" + Columns.wrap(summary, Columns.TERMINAL, "   ")
                + "\n\noptions:\n");
        for (String[] line : lines) {
            out.append(String.format("  %-" + width + "s  %s%n", line[0], line[1]));
        }
        return out.toString();
    }
}

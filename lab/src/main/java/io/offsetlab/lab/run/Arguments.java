package io.offsetlab.lab.run;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line, parsed by a {@link Runner}: {@code --help}, the cluster options of a demo or
 * tool ({@code --bootstrap-server HOST:PORT[,HOST:PORT]}, {@code --command-config FILE},
 * {@code --verbose}), and the options the command declared. Anything else is a
 * {@link UsageException}; so is a value that does not fit, read with the methods below, each
 * of which names the option in its message.
 */
public final class Arguments {

    /**
     * An option a command declared: a flag when {@code valueName} is null; when {@code allowed}
     * is not empty, its value must be one of them.
     */
    record Option(String name, String valueName, String help, List<String> allowed) {
        boolean takesValue() {
            return valueName != null;
        }
    }

    static final String BOOTSTRAP_SERVER = "--bootstrap-server";
    static final String COMMAND_CONFIG = "--command-config";
    private static final List<String> CLUSTER_OPTIONS = List.of(BOOTSTRAP_SERVER, COMMAND_CONFIG, Logging.VERBOSE);

    private String bootstrapServers;
    private Path commandConfig;
    private boolean help;
    private final Map<String, String> given = new LinkedHashMap<>();

    private Arguments() {
    }

    /**
     * Reads {@code args} against {@code options}; {@code clusterOptions} false for a command that
     * reaches no cluster, which then refuses --bootstrap-server, --command-config and --verbose.
     */
    static Arguments parse(String[] args, List<Option> options, boolean clusterOptions) {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                parsed.help = true;
            } else if (clusterOptions && CLUSTER_OPTIONS.contains(arg)) {
                i = parsed.clusterOption(args, i);
            } else {
                i = parsed.ownOption(args, i, options, clusterOptions);
            }
        }
        if (parsed.commandConfig != null && parsed.bootstrapServers == null) {
            throw new UsageException(COMMAND_CONFIG + " needs " + BOOTSTRAP_SERVER + ": it configures the clients of that cluster");
        }
        return parsed;
    }

    /** The cluster option at {@code args[i]}; returns the index of the last argument it took. */
    private int clusterOption(String[] args, int i) {
        String arg = args[i];
        switch (arg) {
            case BOOTSTRAP_SERVER -> bootstrapServers = validateBootstrap(value(args, ++i, arg));
            case COMMAND_CONFIG -> commandConfig = validateFile(value(args, ++i, arg));
            default -> { } // --verbose: acted on before parsing, by Logging.quietUnlessVerbose
        }
        return i;
    }

    /** The command's own option at {@code args[i]}; returns the index of the last argument it took. */
    private int ownOption(String[] args, int i, List<Option> options, boolean clusterOptions) {
        String arg = args[i];
        Option option = options.stream().filter(o -> o.name().equals(arg)).findFirst()
                .orElseThrow(() -> new UsageException("unknown argument: " + arg + (clusterOptions ? "" : notForThisCommand(arg))));
        given.put(arg, option.takesValue() ? checked(option, value(args, ++i, arg)) : "true");
        return i;
    }

    private static String notForThisCommand(String arg) {
        return CLUSTER_OPTIONS.contains(arg)
                ? " (only the commands that reach a Kafka cluster take it)" : "";
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
                throw new UsageException(BOOTSTRAP_SERVER + " expects HOST:PORT[,HOST:PORT...], got '" + value + "'");
            }
            wholeNumber(address.substring(colon + 1), 1, 65535, BOOTSTRAP_SERVER + " port in '" + address + "'");
        }
        return value;
    }

    private static Path validateFile(String value) {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException(COMMAND_CONFIG + ": no readable file at " + value);
        }
        return path;
    }

    public boolean help() {
        return help;
    }

    /** The external cluster's address, or null: a demo then starts its own broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path commandConfig() {
        return commandConfig;
    }

    /** Whether option {@code name} was given (a flag, or an option with its value). */
    public boolean flag(String name) {
        return given.containsKey(name);
    }

    /** The value of option {@code name}, {@code defaultValue} when it was not given. */
    public String option(String name, String defaultValue) {
        return given.getOrDefault(name, defaultValue);
    }

    /**
     * The value of option {@code name} as a whole number above 0, {@code defaultValue} when it
     * was not given; a {@link UsageException} naming the option otherwise.
     */
    public int positiveInt(String name, int defaultValue) {
        String text = given.get(name);
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
     * The value of option {@code name} as a whole number from {@code min} to {@code max} (a port:
     * 1 to 65535), {@code defaultValue} when it was not given; a {@link UsageException} otherwise.
     */
    public int wholeNumber(String name, int defaultValue, int min, int max) {
        String text = given.get(name);
        return text == null ? defaultValue : wholeNumber(text, min, max, name);
    }

    /** {@code text} as a whole number from {@code min} to {@code max}, or a {@link UsageException} naming {@code what}. */
    public static int wholeNumber(String text, int min, int max, String what) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(what + " must be a number from " + min + " to " + max + ", got '" + text + "'");
    }

    /**
     * The value of option {@code name} as a number above 0 and at most {@code max},
     * {@code defaultValue} when it was not given; a {@link UsageException} naming the option
     * otherwise.
     */
    public double positiveNumber(String name, double defaultValue, double max) {
        String text = given.get(name);
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
}

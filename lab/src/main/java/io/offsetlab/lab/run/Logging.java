package io.offsetlab.lab.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * Keeps Kafka's own log lines out of a demo's or a tool's output: the story on screen is the
 * lab's, and a failure is told in one message, not after a raw WARN or ERROR line. With
 * {@code --verbose} Kafka's clients log at INFO instead; any {@code -Dorg.slf4j.simpleLogger...}
 * setting given in JAVA_OPTS wins over both.
 */
public final class Logging {

    public static final String VERBOSE = "--verbose";
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    /** Call first thing in main(), before any Kafka class logs: slf4j-simple reads its settings once. */
    public static void quietUnlessVerbose(String[] args) {
        if (List.of(args).contains(VERBOSE)) {
            setUnlessGiven(PREFIX + "log.org.apache.kafka.clients", "info");
            return;
        }
        setUnlessGiven(PREFIX + "defaultLogLevel", "off");
        // The settings file names some Kafka loggers; a logger's own setting beats the default.
        for (String key : loggerSettings().stringPropertyNames()) {
            if (key.startsWith(PREFIX + "log.") && !key.startsWith(PREFIX + "log.io.offsetlab")) {
                setUnlessGiven(key, "off");
            }
        }
    }

    private static void setUnlessGiven(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static Properties loggerSettings() {
        Properties props = new Properties();
        try (InputStream in = Logging.class.getResourceAsStream("/simplelogger.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read simplelogger.properties", e);
        }
        return props;
    }
}

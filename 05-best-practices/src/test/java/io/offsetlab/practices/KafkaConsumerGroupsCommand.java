package io.offsetlab.practices;

import io.offsetlab.lab.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Kafka's own {@code kafka-consumer-groups.sh}: {@code ConsumerGroupCommand} from kafka-tools
 * (the newest published release, see the pom) in a JVM of its own, on the classpath Maven
 * resolved for it alone, as the script runs it from a Kafka installation's libs/.
 */
final class KafkaConsumerGroupsCommand {

    static final String MAIN_CLASS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    private KafkaConsumerGroupsCommand() {
    }

    /** Runs the command with {@code args}; returns what it printed (stdout and stderr). */
    static Output run(String... args) {
        try (ChildJvm command = ChildJvm.start(classpath(), MAIN_CLASS, args)) {
            int exit = command.waitFor(Duration.ofSeconds(60));
            return new Output(exit, command.output());
        }
    }

    record Output(int exitCode, String text) {

        /** The table rows of {@code group}. */
        List<List<String>> rows(String group) {
            return tableRows(text, group);
        }
    }

    /**
     * The rows of {@code group} in a table printed by the command or by this chapter's tools:
     * the lines whose first column is the group, split into cells at the spaces.
     */
    static List<List<String>> tableRows(String text, String group) {
        return text.lines().map(String::trim).filter(l -> l.startsWith(group + " "))
                .map(l -> Arrays.asList(l.split("\\s+"))).toList();
    }

    /** The classpath the pom wrote, minus the jars of the Maven plugin that wrote it. */
    private static String classpath() {
        Path file = Path.of(System.getProperty("kafka.tools.classpath.file", "target/kafka-tools-classpath.txt"));
        try {
            return Arrays.stream(Files.readString(file).trim().split(java.io.File.pathSeparator))
                    .filter(jar -> !isAntrunJar(Path.of(jar).getFileName().toString()))
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        } catch (IOException e) {
            throw new IllegalStateException("no kafka-tools classpath at " + file + "; `mvn verify` writes it"
                    + " (generate-test-resources phase)", e);
        }
    }

    private static boolean isAntrunJar(String name) {
        return name.startsWith("maven-antrun-plugin-") || name.startsWith("ant-") || name.startsWith("plexus-utils-");
    }
}

package io.offsetlab.practices.tools;

import io.offsetlab.lab.run.ChildJvm;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Kafka's own {@code kafka-consumer-groups.sh}, and its §6 sibling {@code kafka-share-groups.sh},
 * run as {@link KafkaTools} runs Kafka's tools.
 */
public final class KafkaConsumerGroupsCommand {

    private KafkaConsumerGroupsCommand() {
    }

    /** Runs kafka-consumer-groups.sh with {@code args}; returns what it printed (stdout and stderr). */
    public static Output run(String... args) {
        return run(KafkaTools.CONSUMER_GROUPS, args);
    }

    /** Runs kafka-share-groups.sh with {@code args}; returns what it printed (stdout and stderr). */
    public static Output runShareGroups(String... args) {
        return run(KafkaTools.SHARE_GROUPS, args);
    }

    private static Output run(String mainClass, String... args) {
        try (ChildJvm command = KafkaTools.start(mainClass, args)) {
            int exit = command.waitFor(Duration.ofSeconds(60));
            return new Output(exit, command.output());
        }
    }

    public record Output(int exitCode, String text) {

        /** The table rows of {@code group}. */
        public List<List<String>> rows(String group) {
            return tableRows(text, group);
        }
    }

    /**
     * The rows of {@code group} in a table printed by the command or by this chapter's tools:
     * the lines whose first column is the group, split into cells at the spaces.
     */
    public static List<List<String>> tableRows(String text, String group) {
        return text.lines().map(String::trim).filter(l -> l.startsWith(group + " "))
                .map(l -> Arrays.asList(l.split("\\s+"))).toList();
    }
}

package io.offsetlab.practices.tools;

import io.offsetlab.lab.run.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Kafka's own command-line tools (kafka-tools, the newest release on Maven Central, see the
 * pom) in a JVM of their own, on the classpath Maven resolved for them alone (and the one lab class
 * that ends them with their parent, see {@link io.offsetlab.lab.run.ChildJvm}), as their shell
 * scripts run them from a Kafka installation's libs/: {@code kafka-consumer-groups.sh} is
 * {@value #CONSUMER_GROUPS}, {@code kafka-share-groups.sh} is {@value #SHARE_GROUPS},
 * {@code kafka-consumer-perf-test.sh} is {@value #CONSUMER_PERF_TEST}.
 */
public final class KafkaTools {

    public static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    public static final String CONSUMER_PERF_TEST = "org.apache.kafka.tools.ConsumerPerformance";
    public static final String SHARE_GROUPS = "org.apache.kafka.tools.consumer.group.ShareGroupCommand";

    private KafkaTools() {
    }

    /** Starts the tool {@code mainClass} with {@code args}; its stdout and stderr are the child's output. */
    public static ChildJvm start(String mainClass, String... args) {
        return ChildJvm.start(classpath(), mainClass, args);
    }

    /**
     * The classpath the build wrote beside this module's classes (target/kafka-tools-classpath.txt,
     * generate-test-resources phase), minus the jars of the Maven plugin that wrote it.
     */
    static String classpath() {
        Path file = classesDirectory().resolveSibling("kafka-tools-classpath.txt");
        try {
            return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                    .filter(jar -> !isAntrunJar(Path.of(jar).getFileName().toString()))
                    .collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new IllegalStateException("no kafka-tools classpath at " + file + ": build the module first"
                    + " (./run and `mvn verify` write it)", e);
        }
    }

    private static Path classesDirectory() {
        try {
            return Path.of(KafkaTools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate this module's classes", e);
        }
    }

    private static boolean isAntrunJar(String name) {
        return name.startsWith("maven-antrun-plugin-") || name.startsWith("ant-") || name.startsWith("plexus-utils-");
    }
}

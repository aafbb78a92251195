package io.offsetlab.lab.run;

import io.offsetlab.lab.broker.EmbeddedKafkaBroker;
import io.offsetlab.lab.client.ClientConfigs;
import io.offsetlab.lab.client.Polling;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Class data sharing for the JVMs the lab starts (cluster nodes, demos, crashing consumers): an
 * archive of the classes a Kafka broker and its clients load, parsed and verified once when
 * lab is built, which each of those JVMs then maps from disk instead of loading the classes
 * again. It is only about CPU. Measured on this 2-core machine (2026-12-05), a JVM starting the
 * lab's broker took 2.2 s of CPU without the archive and 1.2 s with it, a run of the §1 demo
 * against that broker 1.15 s and 0.8 s; a fresh-clone {@code mvn -B verify} starts 37 cluster
 * nodes and about 55 other JVMs that take the archive (Kafka's tools, on a classpath of their
 * own, do not), and its Kafka nodes used 111 and 122 s of CPU in two runs with the archive,
 * 167 and 177 s in two without.
 *
 * <p>lab's build writes the archive ({@link #main} with {@code write}): a JVM with
 * {@code -XX:ArchiveClassesAtExit} starts a broker and runs a producer, two consumers (one per
 * group protocol) and an admin client against it, and JDK 17 writes the classes it loaded as it
 * exits. JDK 17 maps the archive only into a JVM whose classpath begins with the jars it was
 * written with, in the same order, each unchanged since; {@link #childOptions} puts them first.
 * That is safe as long as no class or resource (but the jars' manifests) is both in one of them
 * and in a module's own classes, as is the case (CONTRIBUTING.md says so for new ones). A child
 * whose classpath lacks one of the jars, or without the archive (a demo run by hand, a module
 * built alone against lab from ~/.m2), starts as before.
 */
public final class ClassDataSharing {

    /**
     * The archive's path, which the integration tests set (see the root pom) and {@link ChildJvm}
     * hands on, so that a demo's cluster nodes map it too. Beside it, {@code ARCHIVE.classpath}:
     * the classpath it was written with.
     */
    public static final String ARCHIVE_PROPERTY = "offsetlab.classDataArchive";

    private ClassDataSharing() {
    }

    /**
     * The JVM options and classpath for a child on {@code classpath}: with the archive, its jars
     * first and {@code -XX:SharedArchiveFile}; without it (or when the child lacks one of its jars)
     * the classpath as it was and no option.
     */
    static Child childOptions(String classpath) {
        return childOptions(System.getProperty(ARCHIVE_PROPERTY, ""), classpath);
    }

    /** {@link #childOptions(String)} with the archive at {@code archive} ("": none). */
    static Child childOptions(String archive, String classpath) {
        List<String> archived = archive.isEmpty() ? List.of() : archivedClasspath(Path.of(archive));
        List<String> entries = List.of(classpath.split(File.pathSeparator));
        if (archived.isEmpty() || !entries.containsAll(archived)) {
            return new Child(List.of(), classpath);
        }
        List<String> ordered = new ArrayList<>(archived);
        entries.stream().filter(entry -> !archived.contains(entry)).forEach(ordered::add);
        return new Child(List.of("-XX:SharedArchiveFile=" + archive,
                // An archive whose jars changed since it was written (a jar rebuilt) is not used,
                // and JDK 17 says so on the child's stdout, which tests read: not a word of it.
                "-Xlog:cds*=off",
                "-D" + ARCHIVE_PROPERTY + "=" + archive), String.join(File.pathSeparator, ordered));
    }

    /** What a child JVM gets: options before its main class, and its classpath. */
    record Child(List<String> jvmOptions, String classpath) {
    }

    /** The classpath the archive was written with; empty when there is no archive. */
    private static List<String> archivedClasspath(Path archive) {
        Path classpathFile = classpathFile(archive);
        try {
            return Files.isRegularFile(archive) && Files.isRegularFile(classpathFile)
                    ? List.of(Files.readString(classpathFile).strip().split(File.pathSeparator)) : List.of();
        } catch (IOException e) {
            return List.of(); // unreadable: the child starts without the archive, as a child of a hand-run demo does
        }
    }

    private static Path classpathFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".classpath");
    }

    /**
     * {@code write ARCHIVE LAB_JAR}, run by lab's build on lab's runtime classpath: runs
     * {@code workload} in a JVM that writes the archive as it exits, then moves it to ARCHIVE
     * in one step (a child never maps half an archive); {@code workload}: what that JVM runs.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("write")) {
            write(Path.of(args[1]).toAbsolutePath(), args[2]);
        } else if (args.length == 1 && args[0].equals("workload")) {
            workload();
        } else {
            System.err.println("usage: ClassDataSharing write ARCHIVE LAB_JAR | workload");
            System.exit(Runner.USAGE);
        }
    }

    private static void write(Path archive, String labJar) throws IOException, InterruptedException {
        // The last build's archive goes first: its jars have been rebuilt since.
        Files.deleteIfExists(archive);
        Files.deleteIfExists(classpathFile(archive));
        LocalMachine.directories(archive.getParent());
        String classpath = withJarForClasses(labJar);
        Path part = archive.resolveSibling(archive.getFileName() + ".part");
        Files.deleteIfExists(part);
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        String failure = runWorkload(classpath, part, log);
        if (failure != null) {
            // It only saves CPU: without it the build goes on, and says so.
            System.out.println("Class data sharing: no archive, " + failure + "; see " + log);
            return;
        }
        Files.writeString(classpathFile(archive), classpath);
        Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("Class data sharing: %s (%d MB), for the JVMs the tests start%n", archive, Files.size(archive) >> 20);
    }

    /**
     * This JVM's classpath with lab's jar in place of lab's classes directory: JDK 17 writes no
     * archive at all when a directory with classes is on the classpath.
     */
    private static String withJarForClasses(String labJar) {
        Path labClasses = Path.of(ChildJvm.location(ClassDataSharing.class));
        return String.join(File.pathSeparator, List.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .stream().map(entry -> Path.of(entry).toAbsolutePath().equals(labClasses) ? labJar : entry).toList());
    }

    /** Runs {@link #workload} in a JVM that writes {@code part} as it exits; null, or what went wrong. */
    private static String runWorkload(String classpath, Path part, Path log) throws IOException, InterruptedException {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ArchiveClassesAtExit=" + part, "-cp", classpath,
                ExitWithParent.class.getName(), ClassDataSharing.class.getName(), "workload")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!jvm.waitFor(120, TimeUnit.SECONDS)) {
            jvm.destroyForcibly();
            return "the JVM writing it did not end within 120 s";
        }
        if (jvm.exitValue() != 0) {
            return "the JVM writing it exited with " + jvm.exitValue();
        }
        return Files.isRegularFile(part) ? null : "the JVM ended well but wrote none (a JDK without its own class data archive?)";
    }

    /** A broker, a topic, a record produced, consumed and committed on both group protocols. */
    private static void workload() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of());
             Admin admin = Admin.create(ClientConfigs.admin(broker));
             KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfigs.producer(broker))) {
            admin.createTopics(List.of(new NewTopic("class-data", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("class-data", "key", "value")).get(30, TimeUnit.SECONDS);
            for (String protocol : List.of("classic", "consumer")) {
                Map<String, Object> config = ClientConfigs.consumer(broker, "class-data-" + protocol);
                config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
                config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
                    consumer.subscribe(List.of("class-data"));
                    Polling.pollNonEmpty(consumer, Duration.ofSeconds(60));
                    consumer.commitSync();
                }
            }
            admin.listConsumerGroupOffsets("class-data-consumer").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }
}

package io.offsetlab.lab;

import io.offsetlab.lab.run.ChildJvm;
import io.offsetlab.lab.run.ClassDataSharing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The class data archive lab's build writes ({@link ClassDataSharing}) is mapped by the JVMs the
 * tests start. Nothing else would notice when it stops fitting (a new jar, another order): those
 * JVMs would only spend more CPU.
 */
@StartsItsOwnBrokers
class ClassDataSharingIT {

    @Test
    void aChildJvmRunningABrokerAndItsClientsTakesTheirClassesFromTheBuildsArchive() {
        String archive = System.getProperty(ClassDataSharing.ARCHIVE_PROPERTY, "");
        assumeTrue(!archive.isEmpty(), ClassDataSharing.ARCHIVE_PROPERTY + " is not set: the build sets it (root pom),"
                + " a test run from an IDE does not");
        // The JVM logs each class it loads, and where from: "... source: shared objects file (top)"
        // is the archive; "source: file:/.../kafka-clients-4.4.0.jar" a class loaded from its jar.
        try (ChildJvm child = ChildJvm.start(List.of("-Xlog:class+load=info"), System.getProperty("java.class.path"),
                ClassDataSharing.class.getName(), "workload")) {
            assertEquals(0, child.waitFor(Duration.ofSeconds(120)), "the workload (a broker and its clients) ends well:\n"
                    + child.output().lines().filter(line -> !line.contains("[class,load]")).toList());
            for (String kafkaClass : List.of("kafka.server.KafkaRaftServer", "org.apache.kafka.clients.consumer.KafkaConsumer",
                    "org.apache.kafka.clients.producer.KafkaProducer", "io.offsetlab.lab.broker.EmbeddedKafkaBroker")) {
                assertTrue(child.output().contains(" " + kafkaClass + " source: shared objects file (top)"),
                        kafkaClass + " comes from the archive " + archive + ", not from its jar: "
                                + child.output().lines().filter(line -> line.contains(" " + kafkaClass + " ")).toList());
            }
        }
    }
}

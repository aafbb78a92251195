package io.offsetlab.lab.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which classpath and options a child JVM gets, with and without the build's class data archive. */
class ClassDataSharingTest {

    private static String path(String... entries) {
        return String.join(File.pathSeparator, entries);
    }

    private static Path archive(Path dir, String... archivedClasspath) throws IOException {
        Path archive = Files.writeString(dir.resolve("kafka.jsa"), "an archive");
        Files.writeString(dir.resolve("kafka.jsa.classpath"), path(archivedClasspath));
        return archive;
    }

    @Test
    void theArchivedJarsGoFirstInTheirOrderAndTheRestFollowsInItsOwn(@TempDir Path dir) throws IOException {
        Path archive = archive(dir, "lab.jar", "kafka.jar", "scala.jar");
        ClassDataSharing.Child child = ClassDataSharing.childOptions(archive.toString(),
                path("test-classes", "classes", "scala.jar", "lab.jar", "junit.jar", "kafka.jar"));
        assertEquals(path("lab.jar", "kafka.jar", "scala.jar", "test-classes", "classes", "junit.jar"), child.classpath(),
                "JDK 17 maps the archive only when the classpath begins with the archived jars, in their order");
        assertEquals(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off", "-D" + ClassDataSharing.ARCHIVE_PROPERTY + "=" + archive),
                child.jvmOptions(), "the child maps the archive, says nothing of it, and hands its path on to the JVMs it starts");
    }

    @Test
    void aChildLackingOneOfTheArchivedJarsStartsAsBefore(@TempDir Path dir) throws IOException {
        Path archive = archive(dir, "lab.jar", "kafka.jar");
        String toolOfAnotherRelease = path("kafka-tools-4.3.1.jar", "kafka.jar");
        ClassDataSharing.Child child = ClassDataSharing.childOptions(archive.toString(), toolOfAnotherRelease);
        assertEquals(toolOfAnotherRelease, child.classpath(), "the classpath is left as it was");
        assertEquals(List.of(), child.jvmOptions(), "no archive for a classpath it was not written for");
    }

    @Test
    void withoutAnArchiveAChildStartsAsBefore(@TempDir Path dir) {
        String classpath = path("classes", "lab.jar", "kafka.jar");
        for (String archive : List.of("", dir.resolve("kafka.jsa").toString())) {
            ClassDataSharing.Child child = ClassDataSharing.childOptions(archive, classpath);
            assertEquals(classpath, child.classpath(), "archive '" + archive + "': the classpath is left as it was");
            assertEquals(List.of(), child.jvmOptions(), "archive '" + archive + "': no option");
        }
    }
}

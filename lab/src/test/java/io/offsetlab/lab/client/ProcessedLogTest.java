package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a child's consumer processed, written and read back (pure logic, no broker). */
class ProcessedLogTest {

    @Test
    void whatWasWrittenIsReadBackAndTellsWhereProcessingStoppedInEachPartition(@TempDir Path dir) {
        Path file = dir.resolve("processed.log");
        assertEquals(List.of(), ProcessedLog.read(file), "no file yet: nothing processed");
        try (ProcessedLog log = ProcessedLog.appendTo(file)) {
            log.processed(new ConsumerRecord<>("t", 0, 4, "k", "v"));
            log.processed(new ConsumerRecord<>("t", 1, 7, "k", "v"));
            log.processed(new ConsumerRecord<>("t", 0, 5, "k", "v"));
            log.processed(new ConsumerRecord<>("t", 0, 3, "k", "v")); // read again after a restart
        }
        List<String> lines = ProcessedLog.read(file);
        assertEquals(List.of("0 4", "1 7", "0 5", "0 3"), lines);
        assertEquals(Map.of(0, 6L, 1, 8L), ProcessedLog.stoppedAt(lines), "the offset after the highest one processed");
    }
}

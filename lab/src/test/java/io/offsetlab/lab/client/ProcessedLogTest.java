package io.offsetlab.lab.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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

    @Test
    void recordsPastTheCommittedOffsetsAreCountedInEachPartitionFromZeroWhereNothingWasCommitted() {
        List<String> lines = List.of("0 4", "1 7", "0 5", "2 0");
        Map<TopicPartition, Long> committed = Map.of(new TopicPartition("t", 0), 5L, new TopicPartition("t", 1), 9L);
        assertEquals(1 + 0 + 1, ProcessedLog.pastCommitted(lines, committed), "partition 0 stopped at 6 with 5 committed: 1;"
                + " partition 1 committed past where it stopped: 0, never negative; partition 2 stopped at 1, nothing"
                + " committed: 1");
    }
}

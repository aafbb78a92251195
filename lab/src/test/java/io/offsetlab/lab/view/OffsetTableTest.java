package io.offsetlab.lab.view;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The per-partition offset table (pure logic, no broker). */
class OffsetTableTest {

    @Test
    void printsOneRowPerPartitionWithDashesForMissingValues() {
        String table = OffsetTable.render(List.of(
                new PartitionOffsets(new TopicPartition("orders", 0), 3, 6L, 8L, 10),
                new PartitionOffsets(new TopicPartition("orders", 1), 0, null, null, 0)));
        assertEquals("""
                TOPIC   PARTITION  LOG-START  COMMITTED  POSITION  END  LAG
                orders  0          3          6          8         10   4
                orders  1          0          -          -         0    -
                """, table, "lag = end - committed; '-' where the group never committed, as kafka-consumer-groups prints");
    }

    @Test
    void lagIsEndMinusCommittedAndUndefinedWithoutACommit() {
        assertEquals(4L, new PartitionOffsets(new TopicPartition("t", 0), 0, 6L, null, 10).lag());
        assertNull(new PartitionOffsets(new TopicPartition("t", 0), 0, null, null, 10).lag(),
                "no committed offset: no lag, as kafka-consumer-groups.sh shows '-'");
    }

    @Test
    void textTableRejectsARowOfTheWrongWidth() {
        TextTable table = new TextTable("A", "B");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
    }
}

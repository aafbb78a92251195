package io.offsetlab.lab.view;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log picture every chapter draws (pure logic, no broker). */
class LogPictureTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

    @Test
    void drawsTheFourOffsetsUnderTheirCells() {
        String expected = """
                orders-0
                offset    0   1   2   3   4   5   6   7   8   9   10
                        +---+---+---+---+---+---+---+---+---+---+
                        | . | . | . | # | # | # | # | # | # | # |
                        +---+---+---+---+---+---+---+---+---+---+
                                      ^ log-start 3
                                                  ^ committed 6
                                                          ^ position 8
                                                                  ^ end 10
                        log-start     3  first offset still in the log
                        committed     6  the group resumes here after a restart
                        position      8  next offset this consumer's poll() returns
                        end          10  next offset to be written (last offset + 1)
                        # record in the log   . deleted (below log start)
                """;
        assertEquals(expected, LogPicture.render(new PartitionOffsets(ORDERS_0, 3, 6L, 8L, 10)),
                "deleted offsets 0-2 as '.', records 3-9 as '#', each marker's caret under its offset's cell");
    }

    @Test
    void saysWhenTheGroupNeverCommittedAndNoConsumerIsAssigned() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, null, null, 4));
        assertTrue(picture.contains("committed  none  the group never committed here: committed() returns null"), picture);
        assertTrue(picture.contains("position   none  no consumer has this partition assigned"), picture);
    }

    @Test
    void anEmptyPartitionHasEndZeroAndNoCells() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, null, null, 0));
        assertTrue(picture.startsWith("orders-0  (empty: nothing was ever written)\noffset    0\n"), picture);
        assertTrue(picture.contains("end           0"), picture);
        assertTrue(!picture.contains("+---"), "no record cells are drawn for an empty log:\n" + picture);
    }

    @Test
    void marksACommittedOffsetBeyondTheEndAsOutOfRange() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, 100L, null, 5));
        assertTrue(picture.contains("> committed 100"), "an offset past the end is marked '>':\n" + picture);
        assertTrue(picture.contains("committed   100  out of range (beyond the end)"), picture);
    }

    @Test
    void marksACommittedOffsetBelowTheLogStartAsOutOfRange() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 5, 2L, null, 8));
        assertTrue(picture.contains("out of range (below the log start)"), picture);
    }

    @Test
    void drawsALongLogToScaleSoEveryMarkerHasItsOwnPlace() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 50, 100L, 150L, 200));
        String cells = picture.lines().filter(l -> l.trim().startsWith("|")).findFirst().orElseThrow();
        assertEquals(LogPicture.MAX_CELLS, cells.chars().filter(c -> c == '|').count() - 1,
                "200 offsets at 10 per cell: 20 cells:\n" + picture);
        assertTrue(picture.contains("(each cell = 10 offsets)"), picture);
        assertTrue(cells.startsWith("        | . | . | . | . | . | # |"), "cells 0-4 (offsets 0-49) deleted:\n" + picture);
        assertEquals(List.of(30, 50, 70, 90), caretColumns(picture), // cell i is centred at column 10 + 4i
                "log start 50, committed 100, position 150, end 200 sit under cells 5, 10, 15 and 20:\n" + picture);
    }

    @Test
    void picksTheSmallestScaleThatFits() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, null, null, 41));
        assertTrue(picture.contains("(each cell = 5 offsets)"), "41 offsets: 2 per cell needs 21 cells, 5 per cell 9:\n" + picture);
    }

    @Test
    void aLogOfMillionsOfOffsetsStillFitsATerminal() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 1_234_567, 9_000_000L, 2_500_000L, 3_000_000));
        for (String line : picture.lines().toList()) {
            assertTrue(Columns.of(line) <= Columns.TERMINAL, "every line within " + Columns.TERMINAL + " columns, not "
                    + Columns.of(line) + ":\n" + picture);
        }
        assertTrue(picture.contains("(each cell = 500000 offsets)"), picture);
    }

    @Test
    void aLabelThatWouldPassTheEdgeGoesLeftOfItsMark() {
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, 100L, null, 20));
        String caretLine = picture.lines().filter(l -> l.contains(">")).findFirst().orElseThrow();
        assertTrue(caretLine.endsWith("committed 100 >"), "20 cells: the '>' past the end is at column 94, too far right "
                + "for its label:\n" + picture);
        assertTrue(Columns.of(caretLine) <= Columns.TERMINAL, caretLine);
    }

    @Test
    void anExtraMarkerTakesItsPlaceInOffsetOrder() {
        LogPicture.Marker processed = new LogPicture.Marker("processed", 7L, "processing stopped here");
        String picture = LogPicture.render(new PartitionOffsets(ORDERS_0, 0, 6L, 8L, 10), List.of(processed));
        List<String> names = picture.lines().filter(l -> l.contains("^")).map(l -> l.trim().split(" ")[1]).toList();
        assertEquals(List.of("log-start", "committed", "processed", "position", "end"), names, picture);
        assertTrue(picture.contains("processed     7  processing stopped here"), picture);
        assertEquals(List.of(10, 34, 38, 42, 50), caretColumns(picture), "each caret under its offset's cell:\n" + picture);
    }

    private static List<Integer> caretColumns(String picture) {
        return picture.lines().filter(l -> l.contains("^")).map(l -> l.indexOf('^')).toList();
    }
}

package io.offsetlab.share;

import io.offsetlab.lab.view.Columns;
import io.offsetlab.share.SharePartitionPicture.State;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The §6 share-partition picture (pure logic). */
class SharePartitionPictureTest {

    @Test
    void marksTheSpsoUnderItsCellAndTheEndAfterTheLastRecord() {
        String picture = SharePartitionPicture.render(2, 6, Map.of(2L, State.ACKNOWLEDGED, 3L, State.AVAILABLE,
                4L, State.ACQUIRED, 5L, State.ARCHIVED));
        String[] lines = picture.split("\n");
        assertEquals("  offset    0   1   2   3   4   5", lines[0]);
        assertEquals("  state     -   - ACK AVL ACQ ARC", lines[1]);
        assertEquals(lines[1].indexOf("ACK"), lines[2].indexOf("^ SPSO = 2"), "the SPSO mark is under offset 2:\n" + picture);
        assertTrue(lines[2].endsWith("^ end = 6"), picture);
    }

    @Test
    void aLongLogIsDrawnFromEighteenOffsetsBeforeItsEndAndFitsTheTerminal() {
        String picture = SharePartitionPicture.render(95, 100, Map.of());
        assertTrue(picture.lines().allMatch(line -> Columns.of(line) <= Columns.TERMINAL), picture);
        assertTrue(picture.startsWith("  offset   82  83"), picture);
    }

    @Test
    void lagCountsWhatIsNeitherAcknowledgedNorArchived() {
        assertEquals(2, SharePartitionPicture.lag(2, 6, Map.of(2L, State.ACKNOWLEDGED, 3L, State.AVAILABLE,
                4L, State.ACQUIRED, 5L, State.ARCHIVED)));
    }
}

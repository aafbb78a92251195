package io.offsetlab.lab.view;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Terminal columns of a line (pure logic): what the demos' 100-column limit is measured in. */
class ColumnsTest {

    @Test
    void aChineseCharacterTakesTwoColumnsAndEverythingElseOne() {
        assertEquals(5, Columns.of("§2 ab"), "ASCII and '§' are narrow");
        assertEquals(3 + 4, Columns.of("§2 详解"), "详 and 解 are wide: 2 columns each");
        assertEquals(2 + 2 + 2, Columns.of("时，？"), "fullwidth punctuation (，？) is wide too");
    }

    @Test
    void wrapBreaksAtSpacesWithinTheWidthCountingWideCharactersTwice() {
        assertEquals("§3 时，Offset\n  何时更新？ now", Columns.wrap("§3 时，Offset 何时更新？ now", 16, "  "),
                "'§3 时，Offset' takes 13 columns, the next word 10 more; the second line takes exactly 16");
    }

    @Test
    void wrapKeepsTheFirstLinesIndent() {
        assertEquals("  a b\n    c", Columns.wrap("  a b c", 5, "    "), "the first line keeps its 2 spaces, the next gets the indent");
    }

    @Test
    void wrapWrapsEachLineOfATextOnItsOwn() {
        assertEquals("a b\nc d", Columns.wrap("a b\nc d", 10, "  "), "lines that fit stay as they are");
    }

    @Test
    void wrapKeepsRunsOfSpacesOnTheLinesItBreaks() {
        assertEquals("  1.0 s  admin    one\n                  two", Columns.wrap("  1.0 s  admin    one two", 22, " ".repeat(18)),
                "a timeline's padding survives: only the break point changes");
    }
}

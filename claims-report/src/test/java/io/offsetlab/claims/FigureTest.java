package io.offsetlab.claims;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What lab's test kit encodes into the claims TSV, this module decodes unchanged. */
class FigureTest {

    @Test
    void aFigureEncodedByTheTestKitDecodesToTheSameValuesAndSentence() {
        io.offsetlab.lab.Figure recorded = io.offsetlab.lab.Figure.bars("by_duration: a=b & c; 50% \"q\"", "records/s").logScale()
                .value("0 µs: commitSync every 100 (11%)", 34495).value("a tab\there", 0.25).marker("bound = 3", 3)
                .note("node 3; [__consumer_offsets-0] back");
        String encoded = recorded.encode();
        assertTrue(!encoded.contains("\t") && !encoded.contains(" ") && !encoded.contains("\n"),
                "one TSV field, space-separated from the next figure: " + encoded);

        Figure figure = Figure.decode(encoded);
        assertEquals("bars", figure.kind());
        assertEquals("by_duration: a=b & c; 50% \"q\"", figure.title());
        assertTrue(figure.logScale());
        assertEquals(List.of(new Figure.Value("0 µs: commitSync every 100 (11%)", 34495), new Figure.Value("a tab\there", 0.25)),
                figure.values());
        assertEquals(List.of(new Figure.Value("bound = 3", 3)), figure.markers());
        assertEquals(recorded.sentence(), figure.sentence());
    }

    @Test
    void aLogFigureKeepsItsMarksInOrder() {
        Figure figure = Figure.decode(io.offsetlab.lab.Figure.log("commitSync()").mark("log start", 0).mark("committed", 4)
                .mark("end", 10).encode());
        assertTrue(figure.isLog());
        assertEquals(List.of("log start", "committed", "end"), figure.values().stream().map(Figure.Value::label).toList());
        assertEquals("commitSync(): log start 0, committed 4, end 10", figure.sentence());
    }

    @Test
    void somethingElseIsRefusedWithWhatItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Figure.decode("kind=pie&title=x"));
        assertTrue(e.getMessage().contains("pie"), e.getMessage());
    }
}

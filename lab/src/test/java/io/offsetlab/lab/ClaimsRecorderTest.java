package io.offsetlab.lab;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The claims TSV lines the report reads (pure logic, no broker). */
class ClaimsRecorderTest {

    @Test
    void aLineHasFourFieldsAndAFifthOnlyWhenTheTestRecordedFiguresToDraw() {
        Figure figure = Figure.bars("handover", "ms").value("after SIGKILL", 2910).marker("session timeout", 3000);
        assertEquals("4.session\tPROVED\tT.m\thandover: after SIGKILL 2910 ms (session timeout 3000 ms)\t" + figure.encode() + "\n",
                ClaimsRecorder.lines(List.of("4.session"), "PROVED", "T.m", figure.sentence(), figure.encode()));
        assertEquals("1.end\tNOT RUN\tT.m\ta reason with a tab\n",
                ClaimsRecorder.lines(List.of("1.end"), "NOT RUN", "T.m", "a reason\twith a tab", ""),
                "no figures: the four fields the report has always read");
    }
}

package io.offsetlab.lab.run;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalMachineTest {

    /**
     * 2,000 picks from the roughly 22,000 ports below the ephemeral range would repeat one about 90
     * times if each pick were independent; a repeat gives a node's broker and controller one port.
     */
    @Test
    void freePortNeverHandsOutTheSamePortTwice() {
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            int port = LocalMachine.freePort();
            assertTrue(given.add(port), "port " + port + " was handed out twice, at pick " + (i + 1));
        }
    }
}

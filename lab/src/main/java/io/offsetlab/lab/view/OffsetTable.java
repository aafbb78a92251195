package io.offsetlab.lab.view;

import java.util.Collection;

/** The four offsets of several partitions as one table, one row per partition. */
public final class OffsetTable {

    private OffsetTable() {
    }

    public static String render(Collection<PartitionOffsets> partitions) {
        TextTable table = new TextTable("TOPIC", "PARTITION", "LOG-START", "COMMITTED", "POSITION", "END", "LAG");
        for (PartitionOffsets p : partitions) {
            table.row(p.partition().topic(), p.partition().partition(), p.logStart(), p.committed(),
                    p.position(), p.end(), p.lag());
        }
        return table.render();
    }
}

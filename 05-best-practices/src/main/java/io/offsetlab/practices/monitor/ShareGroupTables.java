package io.offsetlab.practices.monitor;

import io.offsetlab.lab.run.Runner;
import io.offsetlab.lab.view.TextTable;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ./run lag-monitor} on share groups (§6): {@link ShareGroupLag#describe}'s rows in the
 * layout of {@code kafka-share-groups.sh --describe}, with TIME-LAG last for {@code --time-lag}.
 * {@code --watch} and {@code --check} follow committed offsets, which a share group does not
 * have: refused.
 */
final class ShareGroupTables {

    private ShareGroupTables() {
    }

    /**
     * One share group, as kafka-share-groups.sh --describe prints it; exit 1 when it is gone, or
     * when {@code sampling} (--watch or --check) was asked for.
     */
    static int describeOne(Admin admin, String group, boolean sampling, TimeLagColumn timeLag, PrintStream out,
                           PrintStream err) throws Exception {
        if (sampling) {
            err.println("Error: '" + group + "' is a share group (§6): " + LagMonitorCommand.WATCH + " and "
                    + LagMonitorCommand.CHECK + " follow committed offsets, which a share group does not have. Describe it"
                    + " without them (" + LagMonitorCommand.TIME_LAG + " works).");
            return Runner.FAILED;
        }
        ShareGroupLag.ShareLag lag = ShareGroupLag.describe(admin, group);
        if (lag == null) {
            err.println("Error: Share group '" + group + "' does not exist.");
            return Runner.FAILED;
        }
        if (lag.members() == 0) {
            err.println("Share group '" + group + "' has no active members.");
        }
        print(lag, timeLag, out);
        return Runner.OK;
    }

    /** --all-groups, after the consumer groups: each share group's table, a blank line after each. */
    static void describeEach(Admin admin, List<String> groups, TimeLagColumn timeLag, PrintStream out, PrintStream err)
            throws Exception {
        for (String group : groups) {
            ShareGroupLag.ShareLag lag = LagMonitorCommand.unlessDeletedMeanwhile(group, () -> ShareGroupLag.describe(admin, group), err);
            if (lag != null) {
                print(lag, timeLag, out);
                out.println();
            }
        }
    }

    /**
     * kafka-share-groups.sh --describe's table (with TIME-LAG last when {@code timeLag} is given),
     * or its words for a group without share state.
     */
    private static void print(ShareGroupLag.ShareLag lag, TimeLagColumn timeLag, PrintStream out) {
        if (lag.rows().isEmpty()) {
            out.println("Share group '" + lag.group() + "' has no offset information.");
            return;
        }
        if (timeLag != null) {
            timeLag.printShareTable(lag, out);
            return;
        }
        TextTable table = new TextTable(ShareGroupLag.COLUMNS.toArray(String[]::new));
        lag.rows().forEach(row -> table.row(row.cells().toArray()));
        out.print(table.render());
    }
}

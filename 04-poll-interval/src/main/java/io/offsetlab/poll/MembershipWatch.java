package io.offsetlab.poll;

import io.offsetlab.lab.view.Timeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Watches a group from the outside (Admin describeConsumerGroups, every 100 ms) and puts on
 * the timeline the moment one member is no longer in it: when the broker, not the demo,
 * considers it gone.
 */
final class MembershipWatch implements AutoCloseable {

    private final Thread thread;
    private final CountDownLatch left;

    private MembershipWatch(Thread thread, CountDownLatch left) {
        this.thread = thread;
        this.left = left;
    }

    /**
     * @param since when the member last called poll(): the event says how long after that it left
     */
    static MembershipWatch start(Admin admin, String group, String memberId, String who, long since, Timeline timeline) {
        CountDownLatch left = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                while (isMember(admin, group, memberId)) {
                    Thread.sleep(100);
                }
                timeline.event("group", who + " is out of the group, " + (System.currentTimeMillis() - since)
                        + " ms after its last poll() (describeConsumerGroups)");
                left.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the scene ended first
            }
        }, "membership-watch");
        thread.setDaemon(true);
        thread.start();
        return new MembershipWatch(thread, left);
    }

    private static boolean isMember(Admin admin, String group, String memberId) throws InterruptedException {
        try {
            Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS).members();
            return members.stream().anyMatch(m -> m.consumerId().equals(memberId));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return true; // could not tell this time; ask again
        }
    }

    /**
     * Waits until the watch has seen the member leave, at most {@code atMost}: on a loaded machine
     * one describeConsumerGroups call can take longer than the processing the scene times.
     *
     * @return whether the member was seen out of the group
     */
    boolean awaitLeft(Duration atMost) throws InterruptedException {
        return left.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}

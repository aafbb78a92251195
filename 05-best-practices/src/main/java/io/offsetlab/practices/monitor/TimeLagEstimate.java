package io.offsetlab.practices.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * §5 lag in time, estimated the way kafka-lag-exporter does it (its {@code LookupTable}), for
 * one partition: no record is read, only end offsets, so it needs no more than LAG needs.
 * <ol>
 *   <li>{@link #add}: each sample of {@code --watch} adds the partition's end offset and the
 *       wall time; a flat run (nobody writes) keeps only its first and last sample;</li>
 *   <li>{@link #estimate}: when did the end pass the group's committed offset? Read off the
 *       table: interpolated between the two samples around it, or extrapolated along the line
 *       through the first and last sample when the offset is outside the table. The age is now
 *       minus that time; 0 when the committed offset is the last sample's end.</li>
 * </ol>
 * Where the table knows nothing, the estimate is wrong, and {@link TimeLag} shows by how much:
 * records written before the first sample, or a table with no slope (a partition nobody wrote
 * to while it was sampled) gives no answer at all.
 */
public final class TimeLagEstimate {

    /** One sample: the partition's end offset at a wall-clock time. */
    public record Sample(long endOffset, long timeMs) {
    }

    /** How the estimate was made. */
    public enum Kind {
        /** The committed offset is at (or past) the newest sample's end: nothing to consume. */
        CAUGHT_UP,
        /** Fewer than two samples: no line to read a time off. */
        TOO_FEW_SAMPLES,
        /** Between two samples. */
        INTERPOLATED,
        /** Outside the table, along the line through its first and last sample. */
        EXTRAPOLATED,
        /** Outside the table, and every sample has the same end: the line has no slope. */
        NO_SLOPE
    }

    /** An estimate: its kind, and the age in ms (null when there is none). */
    public record Estimate(Kind kind, Long ageMs) {
    }

    private final int limit;
    private final List<Sample> samples = new ArrayList<>();

    /** A table of at most {@code limit} samples (kafka-lag-exporter keeps 60 by default), the oldest dropped first. */
    public TimeLagEstimate(int limit) {
        this.limit = limit;
    }

    public void add(long endOffset, long timeMs) {
        Sample newest = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        if (newest != null && (timeMs <= newest.timeMs() || endOffset < newest.endOffset())) {
            return; // out of order, or the end moved back (a truncated partition): not a table of a growing log
        }
        boolean flatRun = newest != null && samples.size() > 1 && newest.endOffset() == endOffset
                && samples.get(samples.size() - 2).endOffset() == endOffset;
        if (flatRun) {
            samples.set(samples.size() - 1, new Sample(endOffset, timeMs)); // move the run's right end out
            return;
        }
        if (samples.size() == limit) {
            samples.remove(0);
        }
        samples.add(new Sample(endOffset, timeMs));
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    public Estimate estimate(long committed, long nowMs) {
        if (!samples.isEmpty() && committed >= samples.get(samples.size() - 1).endOffset()) { // a commit after the sample: caught up too
            return new Estimate(Kind.CAUGHT_UP, 0L);
        }
        if (samples.size() < 2) {
            return new Estimate(Kind.TOO_FEW_SAMPLES, null);
        }
        for (int i = samples.size() - 1; i > 0; i--) {
            Sample left = samples.get(i - 1);
            Sample right = samples.get(i);
            if (committed >= left.endOffset() && committed <= right.endOffset() && right.endOffset() > left.endOffset()) {
                return new Estimate(Kind.INTERPOLATED, nowMs - timeAt(committed, left, right));
            }
        }
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        if (first.endOffset() == last.endOffset()) {
            return new Estimate(Kind.NO_SLOPE, null);
        }
        return new Estimate(Kind.EXTRAPOLATED, nowMs - timeAt(committed, first, last));
    }

    /** The time on the line through {@code left} and {@code right} at which the end was {@code offset}. */
    private static long timeAt(long offset, Sample left, Sample right) {
        double msPerRecord = (double) (right.timeMs() - left.timeMs()) / (right.endOffset() - left.endOffset());
        return Math.round(right.timeMs() - (right.endOffset() - offset) * msPerRecord);
    }
}

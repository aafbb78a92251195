package io.offsetlab.lab.view;

import org.apache.kafka.common.TopicPartition;

/**
 * The four offsets of §1 for one partition, as one consumer group and one consumer see it.
 *
 * @param partition the topic-partition
 * @param logStart  first offset still in the log (moved by retention and deleteRecords)
 * @param committed the group's committed offset: the next offset it will read after a
 *                  restart; null when the group never committed for this partition
 * @param position  the consumer's position: the next offset its poll() returns; null when
 *                  no consumer has this partition assigned
 * @param end       the end offset (high watermark): the offset the next record will get,
 *                  i.e. last offset + 1, or 0 for an empty partition
 */
public record PartitionOffsets(TopicPartition partition, long logStart, Long committed, Long position, long end) {

    /** Records the group has yet to commit past: end - committed, or null without a commit. */
    public Long lag() {
        return committed == null ? null : end - committed;
    }
}

package io.offsetlab.commit;

/** When a consumer commits, relative to processing the records poll() returned. */
public enum CommitStrategy {
    /** enable.auto.commit=false and never commit: the committed offset never moves. */
    NO_COMMIT("no commit"),
    /** The article's example: commit each record's offset as soon as it is processed. */
    COMMIT_EACH_RECORD("commit after each record"),
    /** Process the batch poll() returned, then commitSync(): at-least-once, one commit per batch. */
    COMMIT_AFTER_PROCESSING("commit after each batch"),
    /** commitSync() first, then process: at-most-once. */
    COMMIT_BEFORE_PROCESSING("commit before processing"),
    /** enable.auto.commit=true, processing on the poll thread: commits inside later poll() calls. */
    AUTO_COMMIT("auto commit"),
    /** enable.auto.commit=true, processing handed off to another thread: poll() commits what is not done yet. */
    AUTO_COMMIT_HANDOFF("auto commit, hand-off");

    private final String label;

    CommitStrategy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean autoCommit() {
        return this == AUTO_COMMIT || this == AUTO_COMMIT_HANDOFF;
    }
}

package io.offsetlab.commit;

/** When a consumer commits, relative to processing the records poll() returned. */
public enum CommitStrategy {
    /** enable.auto.commit=false and never commit: the committed offset never moves. */
    NO_COMMIT("no commit"),
    /** Process the batch, then commitSync(): at-least-once. */
    COMMIT_AFTER_PROCESSING("commit after processing"),
    /** commitSync() first, then process: at-most-once. */
    COMMIT_BEFORE_PROCESSING("commit before processing"),
    /** enable.auto.commit=true, processing on the poll thread: commits inside later poll() calls. */
    AUTO_COMMIT("auto commit"),
    /** enable.auto.commit=true, processing handed to another thread: poll() commits what is not done yet. */
    AUTO_COMMIT_HANDOFF("auto commit, processing handed off");

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

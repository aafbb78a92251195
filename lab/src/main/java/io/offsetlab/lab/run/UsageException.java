package io.offsetlab.lab.run;

/**
 * A bad command line: the message says what is wrong, for the person who typed it. The
 * {@link Runner} prints it after the command's name, then the usage, and exits with
 * {@link Runner#USAGE} (2); never a stack trace.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}

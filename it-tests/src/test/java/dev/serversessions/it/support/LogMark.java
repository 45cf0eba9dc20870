package dev.serversessions.it.support;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A place in a server's log, taken at the start of a test: what the test then reads is only what
 * the server logged since, so that a line another test of the class caused cannot satisfy it.
 */
public final class LogMark {
    private final AppServer server;
    private final int offset;

    private LogMark(AppServer server, int offset) {
        this.server = server;
        this.offset = offset;
    }

    /** The end of what {@code server} has logged so far. */
    public static LogMark of(AppServer server) {
        return new LogMark(server, server.log().length());
    }

    /** What the server logged since the mark. */
    public String since() {
        String log = server.log();
        return log.length() >= offset ? log.substring(offset) : log; // a restart began a new log
    }

    /** How often {@code text} was logged since the mark. */
    public int count(String text) {
        return since().split(Pattern.quote(text), -1).length - 1;
    }

    /**
     * Waits until {@code text} was logged since the mark (a line may reach the log a moment after
     * the response that caused it); true if it was, false after {@code timeout}.
     */
    public boolean await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!since().contains(text)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}

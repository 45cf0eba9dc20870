package dev.serversessions.internal.session;

/**
 * A request waited {@code SESSION_LOCK_TIMEOUT} for its session's lock ({@code SESSION_LOCKING})
 * while other requests of the same session held it, or did not wait at all because
 * {@code SESSION_LOCK_MAX_WAITERS} requests of its session were waiting on this server already.
 * The request did not get its session and never proceeds without the lock: the web layer answers
 * 503 with {@code Retry-After}.
 */
public final class SessionLockTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean waited;

    SessionLockTimeoutException(String message, boolean waited) {
        super(message);
        this.waited = waited;
    }

    /** False when the request was refused without waiting: too many of its session's requests were waiting. */
    public boolean waited() {
        return waited;
    }
}

package dev.serversessions.internal.session;

/**
 * A request waited {@code SESSION_LOCK_TIMEOUT} for its session's lock ({@code SESSION_LOCKING})
 * while other requests of the same session held it. The request did not get its session and
 * never proceeds without the lock: the web layer answers 503 with {@code Retry-After}.
 */
public final class SessionLockTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionLockTimeoutException(String message) {
        super(message);
    }
}

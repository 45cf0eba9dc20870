package dev.serversessions.api;

/**
 * A user already has {@code SESSION_MAX_PER_USER} live sessions and
 * {@code SESSION_MAX_PER_USER_ACTION=refuse}: the new session was not given to that user.
 */
public class SessionLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionLimitException(String message) {
        super(message);
    }
}

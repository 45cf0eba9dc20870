package dev.serversessions.api;

/**
 * Another request invalidated this request's session, or gave it a new id, while this request
 * was changing it. The change is not saved (saving it would bring an invalidated session back,
 * or split one login into two sessions); the filter answers HTTP 409 if the response has not
 * been committed, and leaves the cookie to the request that did the invalidate or regenerate.
 */
public class SessionConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionConflictException(String message) {
        super(message);
    }
}

package dev.serversessions.api;

/**
 * The store holds something under a session's key that this library did not write or cannot
 * read as a session: a value of another type, missing or mistyped fields, bytes of another
 * format. Thrown by {@link SessionBackend#load}; the request then gets a new, empty session and
 * the entry is logged once (by the tag of its id, never the id). It is not an outage: the store
 * answered, so the request is not answered 503.
 *
 * <p>The message says what was wrong with the entry; it never contains the session id, a
 * value or the key.
 */
public class MalformedSessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param problem what is wrong with the entry, for the log */
    public MalformedSessionException(String problem) {
        super(problem);
    }

    /**
     * @param problem what is wrong with the entry, for the log
     * @param cause   the parse failure
     */
    public MalformedSessionException(String problem, Throwable cause) {
        super(problem, cause);
    }
}

package dev.serversessions.api;

/**
 * The session store could not be reached or did not answer in time. The filter turns it into
 * HTTP 503 for the request that touched the session; the next request tries the store again.
 */
public class SessionStoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param store what was unreachable, as {@link SessionBackend#describe()} tells it
     * @param cause the client library's exception
     */
    public SessionStoreUnavailableException(String store, Throwable cause) {
        super("Session store " + store + " is unavailable: " + (cause == null ? "no answer" : cause.getMessage()), cause);
    }
}

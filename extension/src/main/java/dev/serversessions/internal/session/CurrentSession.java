package dev.serversessions.internal.session;

/**
 * The session of the request the current thread is serving, set by the servlet filter, so that
 * the request-scoped {@code ServerSession} bean is the same object the filter saves.
 */
public final class CurrentSession {
    private static final ThreadLocal<RequestSession> CURRENT = new ThreadLocal<>();

    private CurrentSession() {
    }

    public static void set(RequestSession session) {
        CURRENT.set(session);
    }

    public static void clear() {
        CURRENT.remove();
    }

    /** The current request's session, or null outside a request that passed the filter. */
    public static RequestSession find() {
        return CURRENT.get();
    }

    /**
     * The current request's session.
     *
     * @throws IllegalStateException outside a request that passed the session filter
     */
    public static RequestSession get() {
        RequestSession session = CURRENT.get();
        if (session == null) {
            throw new IllegalStateException("ServerSession is available only while an HTTP request passes through "
                    + "the server-sessions filter (is this code running outside a request, or in a thread of its own?)");
        }
        return session;
    }
}

package dev.serversessions.api;

/**
 * A value the application put would make its session larger than the store takes
 * ({@code SESSION_MAX_SIZE}, or the store's own limit where it is lower, such as memcached's
 * item size or MongoDB's 16 MB document). Thrown by {@link ServerSession#put} and
 * {@code HttpSession.setAttribute}; the session is left as it was before the call, with every
 * other attribute and the attribute's previous value.
 *
 * <p>It is an {@link IllegalArgumentException}: the value is what is wrong, and a web
 * application answers it like other bad input (the example application: 413).
 */
public class SessionTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String attribute;
    private final long attributeBytes;
    private final long sessionBytes;
    private final long limit;

    /**
     * @param attribute      the attribute being put
     * @param attributeBytes its encoded size, with its name
     * @param sessionBytes   the session's size had the value been accepted
     * @param limit          the most the session may take
     */
    public SessionTooLargeException(String attribute, long attributeBytes, long sessionBytes, long limit) {
        super("Session attribute '" + attribute + "' is " + attributeBytes + " bytes encoded and would make the session "
                + sessionBytes + " bytes, over the limit of " + limit + " bytes (SESSION_MAX_SIZE, or the store's own"
                + " item limit where lower); the value was not stored and the session is unchanged");
        this.attribute = attribute;
        this.attributeBytes = attributeBytes;
        this.sessionBytes = sessionBytes;
        this.limit = limit;
    }

    /**
     * A store refusing a change set as too large, which the core's check at {@code put} cannot
     * always prevent: concurrent requests that each stay under the limit may together grow the
     * stored session past it. The core then drops the request's change and logs it.
     *
     * @param sessionBytes the size of the entry the store was asked to write, in its own measure
     * @param limit        the store's limit, in the same measure
     * @param store        what limits it, for the log (e.g. the setting's name)
     */
    public SessionTooLargeException(long sessionBytes, long limit, String store) {
        super("The session would take " + sessionBytes + " bytes in the store, over the limit of " + limit + " bytes ("
                + store + "); the change was not stored");
        this.attribute = null;
        this.attributeBytes = 0;
        this.sessionBytes = sessionBytes;
        this.limit = limit;
    }

    /** The attribute whose value was refused; null when a store refused a whole change set. */
    public String attribute() {
        return attribute;
    }

    /** The refused value's encoded size, counted as {@link SessionBackend#maxSessionBytes()} says. */
    public long attributeBytes() {
        return attributeBytes;
    }

    /** What the session would have measured with the value. */
    public long sessionBytes() {
        return sessionBytes;
    }

    /** The most bytes the session may hold. */
    public long limit() {
        return limit;
    }
}

package dev.serversessions.internal.session;

/**
 * What happens to a session that listeners may care about. The web layer turns these into
 * Servlet {@code HttpSession*Listener} calls; without it nothing listens.
 */
public interface SessionEvents {
    /** Listens to nothing. */
    SessionEvents NONE = new SessionEvents() {
    };

    /**
     * Whether anyone must see a session's attributes when it is invalidated; if not, a logout
     * deletes the session without loading it first.
     */
    default boolean listensToInvalidation() {
        return false;
    }

    default void created(RequestSession session) {
    }

    /** Called before the data is removed, so that listeners still see the attributes. */
    default void destroying(RequestSession session) {
    }

    /**
     * A session expired in the store ({@link ExpirySweep}): called once across every server
     * sharing the store, after the store gave the session up, with its attributes still readable.
     */
    default void expired(ExpiredSession session) {
    }

    /** An attribute of an expired session is unbound, after {@link #expired}. */
    default void attributeRemoved(ExpiredSession session, String name, Object oldValue) {
    }

    default void idChanged(RequestSession session, String oldId) {
    }

    default void attributeAdded(RequestSession session, String name, Object value) {
    }

    default void attributeReplaced(RequestSession session, String name, Object oldValue, Object newValue) {
    }

    default void attributeRemoved(RequestSession session, String name, Object oldValue) {
    }
}

package dev.serversessions.internal.session;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one request tells the listeners of its session ({@link SessionEvents}, from the web
 * layer): a new session once, when it first gets something to keep; each attribute added,
 * replaced or removed; a new id; and an invalidation, while the attributes can still be seen.
 *
 * <p>Guarded by the monitor of its {@link RequestSession}.
 */
final class ListenerCalls {
    private final RequestSession session;
    private SessionEvents events = SessionEvents.NONE;
    private boolean createdSent;

    ListenerCalls(RequestSession session) {
        this.session = session;
    }

    void listenWith(SessionEvents events) {
        this.events = events;
    }

    /** Whether anyone listens: if not, a replaced or removed stored value need not even be decoded. */
    boolean listening() {
        return events != SessionEvents.NONE;
    }

    /** Whether anyone must see a session's attributes when it is invalidated. */
    boolean listenToInvalidation() {
        return events.listensToInvalidation();
    }

    /** A session not stored yet is announced once, however often it is given something to keep. */
    void created(boolean notStored) {
        if (notStored && !createdSent) {
            createdSent = true;
            events.created(session);
        }
    }

    /** The session starts afresh: a new session to announce. */
    void fresh() {
        createdSent = false;
    }

    /** An attribute was put: added if it held nothing, replaced if it held another value. */
    void put(String name, Object old, Object value) {
        if (old == null) {
            events.attributeAdded(session, name, value);
        } else if (old != value) {
            events.attributeReplaced(session, name, old, value);
        }
    }

    /** An attribute was removed, if it held anything. */
    void removed(String name, Object old) {
        if (old != null) {
            events.attributeRemoved(session, name, old);
        }
    }

    void idChanged(String oldId) {
        events.idChanged(session, oldId);
    }

    /** The session is invalidated: destroyed first, then every attribute unbound, as listeners expect. */
    void destroying(Supplier<Set<String>> names, Function<String, Object> values) {
        events.destroying(session);
        for (String name : names.get()) { // as they are after the destroyed listeners ran
            events.attributeRemoved(session, name, values.apply(name));
        }
    }
}

package dev.serversessions.internal.session;

import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionStoreUnavailableException;
import java.util.logging.Logger;

/**
 * Why a request no longer gets to save its session, remembered so that every later save says
 * so again, even where the application caught the first exception: the store failed it (the web
 * layer answers 503), or another request ended or renamed the session while this one ran
 * (409). A lock that could not be had is remembered by {@link HeldLocks}.
 *
 * <p>Guarded by the monitor of its {@link RequestSession}.
 */
final class SessionRefusal {
    // the request rules log under one name, which operators and tests listen to
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private SessionStoreUnavailableException failure;
    private SessionConflictException conflict;

    /** The store failed this request: it did not get its session. */
    void storeFailed(SessionStoreUnavailableException e) {
        failure = e;
    }

    /** The session of {@code tag} lost a race; this request's changes are dropped. */
    SessionConflictException conflict(String tag, String what) {
        LOG.info(() -> "Session " + tag + " " + what + "; this request's changes were not saved");
        conflict = new SessionConflictException("The session " + what + "; this request's changes were not saved. "
                + "Retry the request with the current session cookie.");
        return conflict;
    }

    /** Throws what keeps this request from saving, if anything does. */
    void throwIfStoreFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    void throwIfConflict() {
        if (conflict != null) {
            throw conflict;
        }
    }
}

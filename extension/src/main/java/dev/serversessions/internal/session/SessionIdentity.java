package dev.serversessions.internal.session;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Which session a request has: the id the client sent, the id (and version) the store knows
 * the session by, and its current id, which differs from the stored one after a regenerate
 * until the save renames it. The store calls that change which entry holds the session go
 * through here, and so do the ids this server retired lately ({@link RetiredIds}), which tell it
 * when another request renamed or deleted the session meanwhile.
 *
 * <p>Not thread-safe: its {@link RequestSession} calls it under its own monitor.
 */
final class SessionIdentity {
    private final SessionIds ids;
    private final RequestSession.IdSource source;
    private final boolean headerOn;
    private final RetiredIds retired;
    /** The well-formed (and correctly signed) id the client sent, or null. */
    private final String requestedId;
    private final long startedNanos = System.nanoTime();
    /** The client sent an id and the store had no session for it. */
    private boolean requestedIdUnknown;
    /** The id the store knows this session by; null while it is not stored. */
    private String storedId;
    /** The current id; differs from storedId after regenerate, null until first needed. */
    private String id;
    /** The backend's version of what was loaded, while nothing this request wrote has changed it. */
    private Object storedVersion;
    /** The last id {@link #key} derived a private id for, and that private id. */
    private String keyOf;
    private String key;

    SessionIdentity(SessionIds ids, RetiredIds retired, String requestedId, RequestSession.IdSource source, boolean headerOn) {
        this.ids = ids;
        this.source = source;
        this.headerOn = headerOn;
        this.retired = retired;
        this.requestedId = requestedId;
    }

    String requestedId() {
        return requestedId;
    }

    /**
     * Where the client carries its id. A request with a valid id in the header
     * ({@code SESSION_ID_HEADER}) uses it, whatever its cookie says: a client that sends the
     * header means it. Otherwise a valid cookie id, otherwise none.
     */
    RequestSession.IdSource source() {
        return source;
    }

    /**
     * Whether the response tells the client its id in the session cookie: unless the client
     * sent it in the header (a header client keeps no cookies, and the cookie of a browser
     * that holds another session beside it is not this one's to change).
     */
    boolean answersInCookie() {
        return source != RequestSession.IdSource.HEADER;
    }

    /**
     * Whether the response tells the client its id in the header: only with the header on, and
     * never to a client that sent a valid cookie, so that a script of the page cannot read an
     * HttpOnly cookie's id from a response; a client without any valid id learns it both ways.
     */
    boolean answersInHeader() {
        return headerOn && source != RequestSession.IdSource.COOKIE;
    }

    String storedId() {
        return storedId;
    }

    /** The current id, or null while none was needed. */
    String idIfAny() {
        return id;
    }

    /** The current id, made up on first need. */
    String id() {
        if (id == null) {
            id = ids.generate();
        }
        return id;
    }

    /** The store holds the session the client asked for. */
    void found(StoredSession stored) {
        storedId = requestedId;
        id = requestedId;
        storedVersion = stored.version();
    }

    /** The request goes on with a new session; {@code requestedLost}: the store did not have the one asked for. */
    void startNew(boolean requestedLost) {
        if (requestedLost) {
            requestedIdUnknown = requestedId != null;
        }
        storedId = null;
        id = null;
        storedVersion = null;
    }

    /** Gives the session a new current id; the save renames the stored session. */
    void regenerate() {
        id = ids.generate();
    }

    /** Whether the save must rename the stored session to the current id. */
    boolean renamePending() {
        return storedId != null && id != null && !id.equals(storedId);
    }

    /** Renames the stored session to the current id; false if it no longer exists under its stored id. */
    boolean rename(SessionBackend backend) {
        storedVersion = null;
        if (!backend.changeId(key(storedId), key(id))) {
            return false;
        }
        retired.renamed(key(storedId), key(id));
        storedId = id;
        return true;
    }

    /** Stores the session as a new one under its current id (made up now if none was needed yet). */
    void insert(SessionBackend backend, ChangeSet all) {
        backend.apply(key(id()), all);
        storedId = id;
    }

    /**
     * Applies changes to the stored session, on the version that was loaded where the backend
     * keeps versions; false if it no longer exists.
     */
    boolean update(SessionBackend backend, Map<String, byte[]> put, Set<String> removed, Instant created, Instant expires) {
        boolean applied = backend.apply(key(storedId), new ChangeSet(put, removed, created, expires, false, storedVersion));
        storedVersion = null;
        return applied;
    }

    /** Moves the stored expiry; false if the session no longer exists. */
    boolean touch(SessionBackend backend, Instant expiry) {
        storedVersion = null;
        return backend.touch(key(storedId), expiry);
    }

    /** Deletes the stored session. */
    void delete(SessionBackend backend) {
        backend.delete(key(storedId));
        retired.deleted(key(storedId));
    }

    /** Another request of this server renamed the stored session (a login) after this one loaded it. */
    boolean storedRenamedElsewhere() {
        return storedId != null && isRename(retired.find(key(storedId)));
    }

    /** The session the client asked for was missing because another request of this server renamed it meanwhile. */
    boolean requestedRenamedElsewhere() {
        return requestedIdUnknown && isRename(retired.find(key(requestedId)));
    }

    /** Another request of this server retired the stored id (renamed or deleted) after this one loaded it. */
    boolean storedRetiredElsewhere() {
        return storedId != null && retired.find(key(storedId)) != null;
    }

    private static boolean isRename(RetiredIds.Retired entry) {
        return entry != null && entry.movedTo() != null;
    }

    /**
     * Deletes a session, and the id another request of this server renamed it to while this one
     * ran: the logout then wins over a login it raced with. Renames from before this request
     * started are not followed, so a stale or fixated old id cannot end the renamed session.
     */
    void deleteFollowingRenames(SessionBackend backend, String doomed) {
        String doomedKey = key(doomed);
        String movedTo = retired.lastMoveSince(doomedKey, startedNanos);
        backend.delete(doomedKey);
        retired.deleted(doomedKey);
        if (movedTo != null) { // a private id, as RetiredIds keeps them
            backend.delete(movedTo);
            retired.deleted(movedTo);
        }
    }

    /**
     * The private id the store and {@link RetiredIds} know {@code id} by; remembered for the
     * last id asked, which is the stored one on nearly every call of a request.
     */
    String key(String id) {
        if (!id.equals(keyOf)) {
            key = SessionIds.privateId(id);
            keyOf = id;
        }
        return key;
    }

    /** The id's tag for a log line: the stored id, else the requested one. */
    String logTag() {
        return SessionIds.logTag(storedId != null ? storedId : requestedId);
    }
}

package dev.serversessions.internal.session;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import dev.serversessions.internal.metrics.SessionMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The calls one request makes to the store for its session, besides its locks: load it under
 * its lock; at save, delete what an invalidate ended, then either delete a session left empty or
 * rename it where a regenerate gave it a new id, store it when new, else write what changed, or
 * only move its expiry. Every call that needs the session to exist checks that it still does: a
 * late save must never bring back a session another request ended or renamed ({@link RaceLost}).
 *
 * <p>It keeps no state of its own between saves; it reads and changes the parts only through
 * their methods. Guarded by the monitor of its {@link RequestSession}.
 */
final class StoreCalls {
    // the request rules log under one name, which operators and tests listen to
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionIdentity identity;
    private final SessionAttributes attributes;
    private final SessionExpiry expiry;
    private final HeldLocks locks;
    private final SessionOwner owner;
    /** Asked at each use: the runtime finds its metrics on first use, not when a request opens its session. */
    private final Supplier<SessionMetrics> metrics;
    /** The session an invalidate ended, deleted at the next save, and its owner, so that its index entry goes too. */
    private String invalidatedId;
    private String invalidatedOwner;

    /**
     * What a save wrote: whether the session got a new id (or was stored for the first time),
     * whether any attribute changed, the expiry the save gave it, and the expiry the store holds
     * now (the old one where nothing told the store of the new).
     */
    record Written(boolean idChanged, boolean changed, Instant newExpiry, Instant storedExpiry) {
    }

    /** Another request ended or renamed the session while this one ran: this request's changes must go. */
    static final class RaceLost extends RuntimeException {
        RaceLost(String what) {
            super(what, null, false, false);
        }
    }

    StoreCalls(SessionIdentity identity, SessionAttributes attributes, SessionExpiry expiry, HeldLocks locks, SessionOwner owner,
            Supplier<SessionMetrics> metrics) {
        this.identity = identity;
        this.attributes = attributes;
        this.expiry = expiry;
        this.locks = locks;
        this.owner = owner;
        this.metrics = metrics;
    }

    /**
     * Loads the session the client asked for under its lock, and takes it, decoding now only
     * what every request needs of it.
     *
     * @return false if the store holds none, or an entry that is not ours (another type,
     *         mistyped fields, foreign bytes) or cannot be decoded: it is left alone in the
     *         store (a rollback of the class may make it readable again), and the request
     *         carries on with a fresh session under a new id
     */
    boolean load(SessionBackend backend, String id, Instant now) {
        locks.take(id);
        Optional<StoredSession> stored;
        try {
            stored = backend.load(identity.key(id));
        } catch (MalformedSessionException e) {
            UndecodableSessionLog.report(SessionIds.logTag(id), e, LOG, metrics.get());
            return false;
        }
        if (stored.isEmpty()) {
            return false;
        }
        try {
            attributes.load(stored.get().attributes(), AttributeNames::decodedAtLoad);
        } catch (UndecodableAttributeException e) {
            UndecodableSessionLog.report(SessionIds.logTag(id), e, LOG, metrics.get());
            return false;
        }
        identity.found(stored.get());
        expiry.loaded(stored.get().created(), stored.get().expires(), now);
        owner.loaded();
        return true;
    }

    /** Whether a save of {@code current} would write anything: a delete, a new id, a changed or removed attribute. */
    boolean pending(Map<String, byte[]> current) {
        return invalidatedId != null || identity.renamePending() || !attributes.changedIn(current).isEmpty()
                || !attributes.removedIn(current).isEmpty();
    }

    /** Remembers the session an invalidate ended, with its owner (or null), for the next save to delete. */
    void invalidated(String id, String owner) {
        invalidatedId = id;
        invalidatedOwner = owner;
    }

    /** Deletes the session an invalidate ended, if any, with its entry in its owner's index. */
    void deleteInvalidated(SessionBackend backend) {
        if (invalidatedId != null) {
            identity.deleteFollowingRenames(backend, invalidatedId);
            metrics.get().invalidated();
            owner.deleted(invalidatedOwner, invalidatedId);
            invalidatedId = null;
            invalidatedOwner = null;
        }
    }

    /**
     * Deletes the stored session, left with nothing worth keeping.
     *
     * @throws RaceLost where a login renamed it after this request loaded it: expiring the cookie would log the user out
     */
    void deleteEmpty(SessionBackend backend) {
        if (identity.storedRenamedElsewhere()) {
            throw new RaceLost("was given a new id by another request while this one cleared it");
        }
        String id = identity.storedId();
        identity.delete(backend);
        owner.deleted(owner.storedOwner(), id);
    }

    /**
     * Writes {@code current}, the session as it will be stored, and makes it the baseline of the
     * next save where the store took it.
     *
     * @return what was written, or null if a read-only request found the session gone
     * @throws RaceLost where writing would undo another request's invalidate or rename
     */
    Written write(SessionBackend backend, Map<String, byte[]> current, Instant now) {
        boolean idChanged = identity.renamePending();
        if (idChanged) {
            rename(backend);
        }
        if (identity.storedId() == null) {
            Instant newExpiry = insert(backend, current, now);
            attributes.written(current);
            return new Written(true, true, newExpiry, newExpiry);
        }
        Map<String, byte[]> put = attributes.changedIn(current);
        Set<String> removed = attributes.removedIn(current);
        boolean changed = !put.isEmpty() || !removed.isEmpty();
        Instant newExpiry = expiry.next(now, changed || idChanged);
        Instant storedExpiry = expiry.expires();
        if (changed) {
            storedExpiry = update(backend, put, removed, newExpiry);
            attributes.written(current); // else the store holds what it held: the baseline is rebuilt only here
        } else if (expiry.touchDue(newExpiry, idChanged)) {
            if (!identity.touch(backend, newExpiry)) {
                return null; // invalidated by another request since this one loaded it: its cookie is dead
            }
            if (!idChanged) {
                metrics.get().slid();
            }
            storedExpiry = newExpiry;
        }
        return new Written(idChanged, changed, newExpiry, storedExpiry);
    }

    private void rename(SessionBackend backend) {
        locks.take(identity.idIfAny()); // handed over: the first request with the new cookie waits for this one
        if (!identity.rename(backend)) {
            // It existed when loaded, so another request invalidated it or gave it a new id:
            // storing it again under our new id would bring a logged-out session back.
            throw new RaceLost("was invalidated or given a new id by another request while this one regenerated it");
        }
        metrics.get().regenerated();
    }

    private Instant insert(SessionBackend backend, Map<String, byte[]> current, Instant now) {
        if (identity.requestedRenamedElsewhere()) {
            // The cookie's session was renamed (a login) after the client sent it: a new
            // session and its cookie would replace the login's cookie and log the user out.
            throw new RaceLost("was given a new id by another request before this one could change it");
        }
        Instant newExpiry = now.plus(expiry.lifetime());
        locks.take(identity.id()); // the cookie may reach the client before this request's last save
        identity.insert(backend, new ChangeSet(current, Set.of(), expiry.created(), newExpiry, true));
        metrics.get().saved(attributes.totalSize());
        return newExpiry;
    }

    /** Returns the expiry the store holds afterwards. */
    private Instant update(SessionBackend backend, Map<String, byte[]> put, Set<String> removed, Instant newExpiry) {
        try {
            if (identity.update(backend, put, removed, expiry.created(), newExpiry)) {
                metrics.get().saved(attributes.totalSize());
                return newExpiry;
            }
        } catch (SessionTooLargeException e) {
            // Concurrent requests grew the stored session meanwhile, past what the store takes:
            // this request's change is dropped, the stored session is kept, and the response goes
            // on; the baseline the save keeps stops a later save from trying again.
            LOG.warning(() -> "Session " + SessionIds.logTag(identity.storedId()) + ": " + e.getMessage());
            return expiry.expires();
        }
        // Vanished since loaded: a late save must not resurrect it, and the cookie belongs to
        // the request that invalidated or renamed it.
        throw new RaceLost("was invalidated or given a new id by another request while this one changed it");
    }
}

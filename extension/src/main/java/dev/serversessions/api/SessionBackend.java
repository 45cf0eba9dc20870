package dev.serversessions.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A session store, reduced to what the request rules need from it. It is the only thing a
 * backend implements, and the web layer knows no other type of the store.
 *
 * <p>Ids passed in are private ids: derived from the session id by a one-way function (SHA-256),
 * so that the store never holds an id a client could send as its cookie. They are made of the
 * same characters as session ids, and a backend keys by them as it would by the ids themselves;
 * what it returns ({@link #claimExpired}, {@link SessionOwnerIndex#ids}) are private ids too.
 * The backend adds {@code SESSION_KEY_PREFIX} itself.
 * Implementations are thread safe, and every method maps to as few store round trips as the
 * store allows. A store that cannot be reached is reported as
 * {@link SessionStoreUnavailableException}, never as a client library's exception.
 */
public interface SessionBackend extends AutoCloseable {

    /**
     * Loads a session, never one that has expired. A pure read: it writes nothing, not even
     * the expiry (the core moves that with {@link #touch} when it is due), so that a read-only
     * request costs the store one read.
     *
     * @param id the session id
     * @return the session, or empty if the store has none (unknown, expired, deleted)
     * @throws MalformedSessionException if the store holds something under this id that is not
     *                                   a session of this library (another type, missing or
     *                                   mistyped fields, foreign bytes); the backend leaves it
     *                                   as it is
     */
    Optional<StoredSession> load(String id);

    /**
     * The live sessions among {@code ids} (private ids), by id, as {@link #load} would return
     * each; an id that is unknown, expired, or whose stored form is malformed is absent. For
     * reading many sessions at once (the list of a user's sessions): a backend may do it in fewer
     * round trips than one {@code load} each, as the Redis and SQL backends do; by default it is
     * one {@code load} each.
     */
    default Map<String, StoredSession> loadAll(Collection<String> ids) {
        Map<String, StoredSession> found = new LinkedHashMap<>();
        for (String id : ids) {
            try {
                load(id).ifPresent(session -> found.put(id, session));
            } catch (MalformedSessionException e) {
                // absent, as documented: one bad entry does not hide the others
            }
        }
        return found;
    }

    /**
     * Applies one request's changes atomically. {@link ChangeSet#version()} is the
     * {@link StoredSession#version()} of the load the changes were made to, if the core still
     * holds it: a backend may use it to write without reading first, and must fall back to its
     * usual write when the store has changed since.
     *
     * @return false if the change set is not new and the session no longer exists; the store
     * is then left unchanged
     */
    boolean apply(String id, ChangeSet changes);

    /** Deletes a session; deleting an unknown id is not an error. */
    void delete(String id);

    /**
     * Moves a session's expiry without touching its attributes: the slide of a request that
     * changed nothing, once the stored expiry has drifted past {@code SESSION_REFRESH_THRESHOLD}
     * (and after a rename where the expiry does not slide otherwise).
     *
     * @return false if the session no longer exists
     */
    boolean touch(String id, Instant expires);

    /**
     * Moves a session to a new id atomically; the old id is gone afterwards.
     *
     * @return false if the old session no longer exists
     */
    boolean changeId(String oldId, String newId);

    /**
     * Removes expired sessions from a store that cannot expire entries itself.
     *
     * @return how many sessions were removed; 0 where the store expires entries itself
     */
    int purgeExpired();

    /** Whether this store forgets expired entries itself, so that purging is never needed. */
    default boolean expiresEntriesItself() {
        return true;
    }

    /**
     * Keeps expired sessions in the store, from now on, until {@link #claimExpired} takes them,
     * so that {@code HttpSessionListener.sessionDestroyed} can run for them with their
     * attributes: the core asks once at start-up, only when the application listens to the end
     * of sessions. {@link #purgeExpired} then leaves expired sessions alone (it still removes
     * what else expired, such as locks), and a load, a save or a slide still treats one as
     * gone. Sessions written before this call may end unseen.
     *
     * @param grace how long past its expiry a session must stay at least, where the store
     *              forgets entries by itself (Redis, MongoDB's TTL index): the core claims well
     *              within it
     * @return false (the default) where the store cannot list what expired (memcached, or a
     * backend the application wrote that does not implement {@link #claimExpired})
     */
    default boolean keepExpiredForClaims(Duration grace) {
        return false;
    }

    /**
     * Removes up to {@code max} sessions whose expiry has passed, oldest expiry first, and
     * returns them, id to session. Each expired session is returned by exactly one call, across
     * every server sharing the store, however many call at once: a call either removes a
     * session and returns it, or leaves it to the caller that does. A live session is never
     * taken. Only meaningful after {@link #keepExpiredForClaims} answered true.
     */
    default Map<String, StoredSession> claimExpired(int max) {
        return Map.of();
    }

    /**
     * What one session counts per attribute besides the UTF-8 bytes of its name and its
     * encoded value, when the core measures a session against {@link #maxSessionBytes()}: room
     * for a backend's own framing of an attribute (lengths, field types, separators).
     */
    int BYTES_PER_ATTRIBUTE = 16;

    /**
     * The largest session this store can hold, measured as the sum over its attributes of name
     * bytes, value bytes and {@link #BYTES_PER_ATTRIBUTE}; the backend subtracts whatever else
     * its entry needs (key, times, headers). The core refuses a {@code put} that would go over
     * the lower of this and {@code SESSION_MAX_SIZE}, so a backend never gets a change set it
     * cannot write. The default: no limit of the store's own.
     */
    default long maxSessionBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * The index of sessions by owner ({@link UserSessions}), where this store keeps one. Empty
     * (the default, for a backend the application wrote itself): sessions still get owners, but
     * listing and revoking them fails with an {@link UnsupportedOperationException} naming the
     * backend.
     */
    default Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.empty();
    }

    /**
     * Takes the lock of one session for {@code lease}, if nobody holds it ({@code SESSION_LOCKING}):
     * one atomic store operation that succeeds for exactly one caller. A lock whose lease has
     * run out counts as free, so a holder that died (a killed server) locks nobody out for
     * longer than its lease. Asking again with the token that holds the lock succeeds and
     * renews the lease to {@code lease} from now: the library does so every third of the lease
     * while a request runs. The lock is independent of the session's data: it can be taken
     * for an id the store has no session for, and neither a load nor a save sees it.
     *
     * <p>The default refuses: a backend the application wrote has no lock until it implements
     * this method and {@link #unlock}.
     *
     * @param id    the session id
     * @param token what identifies this holder; {@link #unlock} releases only with it
     * @param lease how long the lock holds without an unlock
     * @return false if another token holds a lease that has not run out
     * @throws UnsupportedOperationException if this store offers no lock
     */
    default boolean tryLock(String id, String token, Duration lease) {
        throw new UnsupportedOperationException(describe() + " offers no session lock (SessionBackend.tryLock and unlock): "
                + "set SESSION_LOCKING=false, or implement them");
    }

    /**
     * Releases the lock of one session if {@code token} still holds it; a lock another token
     * took after this one's lease ran out is left alone.
     *
     * @return false if {@code token} no longer held the lock (its lease had run out)
     */
    default boolean unlock(String id, String token) {
        throw new UnsupportedOperationException(describe() + " offers no session lock (SessionBackend.tryLock and unlock): "
                + "set SESSION_LOCKING=false, or implement them");
    }

    /** A short description for logs: the store's kind and address, never credentials. */
    String describe();

    /** Releases what the backend built; a client the application supplied stays open. */
    @Override
    void close();
}

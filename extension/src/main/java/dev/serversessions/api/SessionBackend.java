package dev.serversessions.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A session store, reduced to what the request rules need from it. It is the only thing a
 * backend implements, and the web layer knows no other type of the store.
 *
 * <p>Ids passed in are bare session ids; the backend adds {@code SESSION_KEY_PREFIX} itself.
 * Implementations are thread safe, and every method maps to as few store round trips as the
 * store allows. A store that cannot be reached is reported as
 * {@link SessionStoreUnavailableException}, never as a client library's exception.
 */
public interface SessionBackend extends AutoCloseable {

    /**
     * Loads a session, never one that has expired.
     *
     * @param id            the session id
     * @param slideExpiryTo when not null, the session's expiry is moved to this instant in the
     *                      same round trip (a touch, not a rewrite)
     * @return the session, or empty if the store has none (unknown, expired, deleted)
     */
    Optional<StoredSession> load(String id, Instant slideExpiryTo);

    /**
     * Applies one request's changes atomically.
     *
     * @return false if the change set is not new and the session no longer exists; the store
     * is then left unchanged
     */
    boolean apply(String id, ChangeSet changes);

    /** Deletes a session; deleting an unknown id is not an error. */
    void delete(String id);

    /**
     * Moves a session's expiry without touching its attributes.
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

    /** A short description for logs: the store's kind and address, never credentials. */
    String describe();

    /** Releases what the backend built; a client the application supplied stays open. */
    @Override
    void close();
}

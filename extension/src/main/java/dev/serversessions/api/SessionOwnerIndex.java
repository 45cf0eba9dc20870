package dev.serversessions.api;

import java.time.Instant;
import java.util.Set;

/**
 * Which sessions belong to which user: the store-side index behind {@link UserSessions}. A
 * backend offers it through {@link SessionBackend#ownerIndex()}; the core keeps it up to date
 * (on login, on a change of owner, on logout and revocation), never on a request that leaves
 * the owner alone.
 *
 * <p>The index is a hint, never the truth: the core checks every session it lists against the
 * store (an entry whose session is gone or belongs to someone else is removed then), so an
 * entry that outlives its session costs a little space, never a wrong answer. What the index
 * must not do is grow with dead sessions: an entry is kept until its {@code until} and then
 * forgotten by the store or pruned on the next write or read of that user's index. The core
 * re-adds an entry before a session that keeps sliding outlives its {@code until}.
 *
 * <p>Owners are arbitrary strings (a caller name may hold any character); implementations hash
 * or escape them for their keys. Implementations are thread safe, and concurrent adds and
 * removes for one owner, from any number of servers, lose no entry.
 */
public interface SessionOwnerIndex {

    /** Records (or moves the {@code until} of) session {@code id} as one of {@code owner}'s. */
    void add(String owner, String id, Instant until);

    /** Forgets session {@code id} for {@code owner}; an unknown entry is not an error. */
    void remove(String owner, String id);

    /**
     * The ids indexed for {@code owner} whose entry has not passed its {@code until}; entries
     * past it are pruned on the way. May include sessions that ended since they were added.
     */
    Set<String> ids(String owner);
}

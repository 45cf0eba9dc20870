package dev.serversessions.internal.session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * This server's side of {@code SESSION_LOCKING}: one permit per session id, so that the requests
 * of one session on this server queue here, in arrival order, and only the one holding the
 * permit asks the store for the session's lock. Without it every waiting request would poll the
 * store, and with a hundred of them the polls took the connections (SQL) and the store's time
 * that the holder needed to finish; here a waiter is woken the moment the permit is handed on.
 * Waiters on other servers still poll the store.
 *
 * <p>A permit, unlike a {@code ReentrantLock}, may be released by another thread than the one
 * that took it: an async request releases on the thread that completes it.
 *
 * <p>At most {@code maxWaiters} requests wait for one session's permit
 * ({@code SESSION_LOCK_MAX_WAITERS}); one more is refused at once, so that a client sending
 * hundreds of requests with one cookie behind a slow one holds a bounded number of the server's
 * request threads, not all of them for {@code SESSION_LOCK_TIMEOUT}.
 */
final class LocalLocks {
    private final Map<String, Entry> entries = new HashMap<>();
    private final int maxWaiters;

    LocalLocks(int maxWaiters) {
        this.maxWaiters = maxWaiters;
    }

    /** What {@link #acquire} answers. */
    enum Outcome {
        ACQUIRED,
        /** The permit did not come within the time (or the thread was interrupted). */
        TIMED_OUT,
        /** {@code maxWaiters} requests were waiting already: refused without waiting. */
        TOO_MANY_WAITERS
    }

    private static final class Entry {
        final Semaphore permit = new Semaphore(1, true);
        /** Requests holding or waiting for the permit; the entry goes when none is left. */
        int users;
    }

    /** Waits at most {@code timeoutNanos} for the permit of {@code id}, unless too many wait already. */
    Outcome acquire(String id, long timeoutNanos) {
        Entry entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(id, k -> new Entry());
            // users = the holder (if any) + the waiters; a free permit is taken at once
            if (entry.users > maxWaiters && entry.permit.availablePermits() == 0) {
                return Outcome.TOO_MANY_WAITERS;
            }
            entry.users++;
        }
        boolean acquired = false;
        try {
            acquired = entry.permit.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
            return acquired ? Outcome.ACQUIRED : Outcome.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.TIMED_OUT;
        } finally {
            if (!acquired) {
                leave(id, entry);
            }
        }
    }

    /** Hands the permit of {@code id} on; only for a permit {@link #acquire} gave. */
    void release(String id) {
        Entry entry;
        synchronized (this) {
            entry = entries.get(id);
        }
        if (entry != null) {
            entry.permit.release();
            leave(id, entry);
        }
    }

    private synchronized void leave(String id, Entry entry) {
        if (--entry.users == 0) {
            entries.remove(id);
        }
    }

    /** Requests holding or waiting for the permit of {@code id}, for tests. */
    synchronized int users(String id) {
        Entry entry = entries.get(id);
        return entry == null ? 0 : entry.users;
    }

    /** Session ids with a holder or a waiter on this server, for tests. */
    synchronized int size() {
        return entries.size();
    }
}

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
 */
final class LocalLocks {
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        final Semaphore permit = new Semaphore(1, true);
        /** Requests holding or waiting for the permit; the entry goes when none is left. */
        int users;
    }

    /**
     * Waits at most {@code timeoutNanos} for the permit of {@code id}.
     *
     * @return false if it did not come in time (or the thread was interrupted)
     */
    boolean acquire(String id, long timeoutNanos) {
        Entry entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(id, k -> new Entry());
            entry.users++;
        }
        boolean acquired = false;
        try {
            acquired = entry.permit.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
            return acquired;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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

    /** Session ids with a holder or a waiter on this server, for tests. */
    synchronized int size() {
        return entries.size();
    }
}

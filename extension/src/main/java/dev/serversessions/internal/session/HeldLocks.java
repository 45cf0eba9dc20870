package dev.serversessions.internal.session;

import dev.serversessions.api.SessionBackend;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The session locks one request holds ({@code SESSION_LOCKING}): taken before the first store
 * call for an id, renewed while the request runs, released once at its end. Without locking on,
 * every method does nothing.
 *
 * <p>Guarded by the monitor of its {@link RequestSession}: the request's threads call it while
 * holding that monitor, and the renewal thread takes it ({@link #renew()}), so a renewal never
 * runs beside a take or after the release.
 */
final class HeldLocks {
    // the request rules log under one name, which operators and tests listen to
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionRuntime runtime;
    private final Object monitor;
    /** This request's token in the store's lock entries; null without locking. */
    private final String token;
    /** Ids whose lock this request holds, released by {@link #release()}. */
    private final Set<String> locked = new LinkedHashSet<>();
    private long lockedSinceNanos;
    /** Renews the leases of {@link #locked} while this request holds them; cancelled by {@link #release()}. */
    private Future<?> renewal;
    /**
     * Set by {@link #release()}: what runs after the request's end (an error page rendered
     * after the filter's pass) takes no lock, which nobody would be left to release.
     */
    private boolean over;
    /** Set once a lock could not be had in time: the request never gets its session. */
    private SessionLockTimeoutException refused;
    /** Threads running the request's work: its passes through the filter chain, an async context's started task. */
    private int working;
    /** When the request last used its session, or a thread stopped working on it ({@link #progress}). */
    private long progressNanos = System.nanoTime();
    /** Why the locks this request took are no longer its own ({@link #lapsed}), or null. */
    private String lapsed;

    HeldLocks(SessionRuntime runtime, Object monitor) {
        this.runtime = runtime;
        this.monitor = monitor;
        this.token = runtime.settings().locking() ? UUID.randomUUID().toString() : null;
    }

    /** Throws the refusal again once a lock was refused: the application caught it once, it does not wait twice. */
    void throwIfRefused() {
        if (refused != null) {
            throw refused;
        }
    }

    /**
     * Takes {@code id}'s lock before the first store call for it, for at most
     * {@code SESSION_LOCK_TIMEOUT} in all: first this server's permit for the session
     * ({@link LocalLocks}: the requests of one session on this server queue there, and only one
     * of them asks the store), then the store's lock, polled with a jittered backoff (so that
     * waiters on several servers do not poll in step). Without the lock the request never goes
     * on: it gets {@link SessionLockTimeoutException}, now and at every later use of its session.
     */
    void take(String sessionId) {
        if (token == null || over || lapsed != null) {
            return; // after a lapse nothing this request changes is saved (RequestSession#save), so it needs no lock
        }
        String id = SessionIds.privateId(sessionId); // what the store locks, and what this server's permits are keyed by
        if (locked.contains(id)) {
            return;
        }
        throwIfRefused();
        SessionBackend backend = runtime.activeBackend();
        Duration lease = runtime.settings().lockLease();
        long deadline = System.nanoTime() + runtime.settings().lockTimeout().toNanos();
        switch (runtime.localLocks().acquire(id, deadline - System.nanoTime())) {
            case ACQUIRED -> { }
            case TIMED_OUT -> throw timeout(id);
            case TOO_MANY_WAITERS -> throw tooManyWaiters(id);
        }
        try {
            long pauseMillis = 2;
            while (!backend.tryLock(id, token, lease)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timeout(id);
                }
                long pause = Math.min(ThreadLocalRandom.current().nextLong(pauseMillis / 2, pauseMillis + 1), left / 1_000_000 + 1);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw timeout(id);
                }
                pauseMillis = Math.min(pauseMillis * 2, 50);
            }
        } catch (RuntimeException e) {
            runtime.localLocks().release(id);
            throw e;
        }
        if (locked.isEmpty()) {
            lockedSinceNanos = System.nanoTime();
        }
        locked.add(id);
        if (renewal == null) {
            renewal = Renewal.start(this, runtime.lockRenewals(), lease);
        }
    }

    private SessionLockTimeoutException tooManyWaiters(String id) {
        refused = new SessionLockTimeoutException("Session " + SessionIds.privateLogTag(id) + " already has "
                + runtime.settings().lockMaxWaiters() + " requests waiting for its lock on this server (SESSION_LOCK_MAX_WAITERS);"
                + " this request did not wait and did not get its session", false);
        LOG.fine(refused::getMessage);
        return refused;
    }

    private SessionLockTimeoutException timeout(String id) {
        refused = new SessionLockTimeoutException("Session " + SessionIds.privateLogTag(id) + " stayed locked by other requests for "
                + runtime.settings().lockTimeout().toSeconds() + " s (SESSION_LOCK_TIMEOUT); this request did not get its session", true);
        LOG.info(refused::getMessage);
        return refused;
    }

    /**
     * Takes this request's locks again with its token, which renews their lease (every store's
     * {@code tryLock} does for the token that holds the lock), so that a request longer than
     * {@code SESSION_LOCK_LEASE} keeps its session to itself. Runs on the renewal thread. A
     * renewal the store refuses (the lease had run out and another request took the lock) or
     * cannot answer (an outage: the next period tries again) is logged.
     */
    void renew() {
        synchronized (monitor) {
            if (over || locked.isEmpty() || lapsed != null) {
                return;
            }
            long idleNanos = System.nanoTime() - progressNanos;
            if (working == 0 && idleNanos >= runtime.settings().lockTimeout().toNanos()) {
                giveUp(idleNanos / 1_000_000);
                return;
            }
            SessionBackend backend = runtime.activeBackend();
            Duration lease = runtime.settings().lockLease();
            for (String id : locked) {
                try {
                    if (!backend.tryLock(id, token, lease)) {
                        lapsed = "lost its lock to another request (SESSION_LOCK_LEASE " + lease.toSeconds()
                                + " s ran out before this server could renew it)";
                        LOG.warning(() -> "Session " + SessionIds.privateLogTag(id) + ": its lock ran out before this server could renew it"
                                + " (SESSION_LOCK_LEASE " + lease.toSeconds() + " s) and another request holds it now;"
                                + " what this request changes from now on is not saved");
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "Session " + SessionIds.privateLogTag(id) + ": renewing its lock failed; the next renewal tries again", e);
                }
            }
        }
    }

    /** The request used its session, or a thread stopped working on it: it makes progress ({@link #renew}). */
    void progress() {
        progressNanos = System.nanoTime();
    }

    /** A thread starts ({@code true}) or stops working on the request: while one works, the request makes progress. */
    void working(boolean start) {
        working += start ? 1 : -1;
        progress();
    }

    /**
     * Why this request's locks are no longer its own, or null while they are: it made no
     * progress for {@code SESSION_LOCK_TIMEOUT} (the locks were given up), or another request
     * took one over. Whatever the request changes then is not saved ({@link RequestSession#save}).
     */
    String lapsed() {
        return lapsed;
    }

    /**
     * Gives the locks up for a request that made no progress for {@code SESSION_LOCK_TIMEOUT}
     * (an async request nobody completes, a thread of the application's own that holds the
     * session): no thread of the container works on it and its session was not used. Its waiters
     * have given up by then, and its lock would otherwise be renewed for as long as it runs.
     */
    private void giveUp(long idleMillis) {
        lapsed = "made no progress for " + idleMillis + " ms, more than SESSION_LOCK_TIMEOUT, and lost its lock";
        LOG.warning(() -> "Session " + String.join(", ", locked.stream().map(SessionIds::privateLogTag).toList()) + ": its request "
                + lapsed + "; what it changes from now on is not saved");
        SessionBackend backend = runtime.activeBackend();
        for (String id : locked) {
            try {
                backend.unlock(id, token);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Session " + SessionIds.privateLogTag(id)
                        + ": its lock could not be released; it runs out after SESSION_LOCK_LEASE", e);
            } finally {
                runtime.localLocks().release(id);
            }
        }
        locked.clear();
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
    }

    /**
     * Releases the locks this request took, once its last save has run, whether it succeeded or
     * not. A release that fails (the store is down) leaves the lock to its lease. A lock found
     * taken over means this request held its session longer than {@code SESSION_LOCK_LEASE}:
     * another request may have changed it meanwhile, which is logged.
     */
    void release() {
        over = token != null;
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
        if (locked.isEmpty()) {
            return;
        }
        SessionBackend backend = runtime.activeBackend();
        long heldMillis = (System.nanoTime() - lockedSinceNanos) / 1_000_000;
        for (String id : locked) {
            try {
                if (!backend.unlock(id, token)) {
                    LOG.warning(() -> "Session " + SessionIds.privateLogTag(id) + " was held by one request for " + heldMillis
                            + " ms and its lock ran out meanwhile (SESSION_LOCK_LEASE " + runtime.settings().lockLease().toSeconds()
                            + " s, not renewed in time: the store was out of reach), so another request may have changed the"
                            + " session at the same time");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Session " + SessionIds.privateLogTag(id) + ": its lock could not be released (" + e
                        + "); it runs out after SESSION_LOCK_LEASE", LOG.isLoggable(Level.FINE) ? e : null);
            } finally {
                runtime.localLocks().release(id);
            }
        }
        locked.clear();
    }

    /**
     * The periodic renewal of one request's locks. It holds them weakly: a request that ended
     * without {@link #release()} (which the web layer never lets happen) is collected in time and
     * its renewal stops, so that its locks still run out after their lease instead of being
     * renewed for as long as the server lives.
     */
    private static final class Renewal implements Runnable {
        private final WeakReference<HeldLocks> locks;
        private volatile Future<?> schedule;

        private Renewal(HeldLocks locks) {
            this.locks = new WeakReference<>(locks);
        }

        static Future<?> start(HeldLocks locks, LockRenewals renewals, Duration lease) {
            Renewal renewal = new Renewal(locks);
            renewal.schedule = renewals.every(lease, renewal);
            return renewal.schedule;
        }

        @Override
        public void run() {
            HeldLocks held = locks.get();
            if (held != null) {
                held.renew();
            } else if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }
}

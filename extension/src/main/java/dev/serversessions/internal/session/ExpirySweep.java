package dev.serversessions.internal.session;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the application's listeners about sessions that expired in the store, as the container
 * does for its own: {@code sessionDestroyed} with the attributes still readable, then each
 * attribute unbound. The store does the hard part: {@link SessionBackend#claimExpired} hands
 * each expired session to exactly one caller, so no session is announced twice however many
 * servers sweep.
 *
 * <p>Every server of the application runs {@link #sweep} every {@code SESSION_EXPIRY_SWEEP_INTERVAL},
 * off any request; a lease in the store (the session lock of an id no session can have) lets only
 * its holder go on, and the holder renews it at each sweep, so one server does the work while
 * it lives and another takes over within two intervals when it stops. A sweep is bounded: at
 * most {@link #MAX_BATCHES} claims of {@link #BATCH} sessions; what is left waits for the next.
 */
public final class ExpirySweep {
    private static final Logger LOG = Logger.getLogger(ExpirySweep.class.getName());
    /** Session ids are base64url: this id, with its '!', is no session's, so its lock is the sweep's alone. */
    static final String LEASE_ID = "!expiry-sweep";
    static final int BATCH = 100;
    static final int MAX_BATCHES = 100;

    private final SessionBackend backend;
    private final SessionRuntime runtime;
    private final SessionEvents events;
    private final Duration lease;
    private final int batch;
    private final int maxBatches;
    private final String token = UUID.randomUUID().toString();
    private volatile boolean leaseFailureLogged;

    ExpirySweep(SessionRuntime runtime, SessionBackend backend, SessionEvents events, Duration interval) {
        this(runtime, backend, events, interval, BATCH, MAX_BATCHES);
    }

    /** A sweep of at most {@code maxBatches} claims of {@code batch} sessions each. */
    ExpirySweep(SessionRuntime runtime, SessionBackend backend, SessionEvents events, Duration interval, int batch, int maxBatches) {
        this.runtime = runtime;
        this.backend = backend;
        this.events = events;
        this.lease = interval.multipliedBy(2);
        this.batch = batch;
        this.maxBatches = maxBatches;
    }

    /**
     * The sweep of an application whose listeners want to hear of expiries, if its store can
     * list them; the store keeps expired sessions for claims from now on. Empty, with one log
     * line saying so, where it cannot (memcached, or a backend of the application's own).
     */
    public static java.util.Optional<ExpirySweep> forApplication(SessionRuntime runtime, SessionEvents events) {
        if (!events.listensToInvalidation()) {
            return java.util.Optional.empty();
        }
        if (runtime.settings().expirySweepInterval().isZero()) {
            LOG.info("SESSION_EXPIRY_SWEEP_INTERVAL=0: HttpSessionListener.sessionDestroyed runs when a session is invalidated,"
                    + " never when it expires");
            return java.util.Optional.empty();
        }
        SessionBackend backend = runtime.activeBackend();
        Duration interval = runtime.settings().expirySweepInterval();
        if (!backend.keepExpiredForClaims(grace(interval))) {
            LOG.warning(() -> "The application has session listeners, but " + backend.describe()
                    + " cannot list the sessions that expire in it: HttpSessionListener.sessionDestroyed runs when a"
                    + " session is invalidated, never when it expires");
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ExpirySweep(runtime, backend, events, interval));
    }

    /**
     * How long a store that forgets entries by itself keeps an expired session for the sweep:
     * four intervals (a sweeper that died is replaced within three), and at least five minutes
     * (a store outage, a slow redeploy).
     */
    static Duration grace(Duration interval) {
        Duration fourIntervals = interval.multipliedBy(4);
        return fourIntervals.compareTo(Duration.ofMinutes(5)) > 0 ? fourIntervals : Duration.ofMinutes(5);
    }

    /**
     * One sweep, if this server holds the lease: claims expired sessions batch by batch and
     * tells the listeners of each. Store failures end the sweep with a log line, never thrown.
     *
     * @return how many expired sessions were announced
     */
    public int sweep() {
        try {
            if (!backend.tryLock(LEASE_ID, token, lease)) {
                return 0; // another server sweeps
            }
        } catch (SessionStoreUnavailableException | UnsupportedOperationException e) {
            if (!leaseFailureLogged) {
                leaseFailureLogged = true;
                LOG.warning(() -> "Expired sessions not swept (taking the sweep's lease failed: " + e.getMessage() + ")");
            }
            return 0;
        }
        leaseFailureLogged = false;
        int announced = 0;
        try {
            for (int i = 0; i < maxBatches; i++) {
                Map<String, StoredSession> claimed = backend.claimExpired(batch);
                claimed.forEach(this::announce);
                announced += claimed.size();
                if (claimed.size() < batch) {
                    break;
                }
            }
        } catch (SessionStoreUnavailableException e) {
            LOG.warning(() -> "Sweep of expired sessions ended early: " + e.getMessage());
        }
        return announced;
    }

    /** Gives the lease up, so that another server sweeps at its next turn rather than after the lease. */
    public void stop() {
        try {
            backend.unlock(LEASE_ID, token);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Releasing the sweep's lease failed; it runs out by itself", e);
        }
    }

    /**
     * Destroyed first, then every attribute unbound, as for an invalidation ({@link ListenerCalls#destroying}).
     * {@code id} is the private id the store holds the session under: the id the client had is
     * not known here, so that is what the listener's {@code getId()} answers.
     */
    private void announce(String id, StoredSession stored) {
        ExpiredSession session = new ExpiredSession(id, stored, runtime.codec(),
                (int) Math.min(Integer.MAX_VALUE, runtime.settings().lifetime().toSeconds()));
        try {
            events.expired(session);
            for (String name : session.names()) { // as they are after the destroyed listeners ran
                events.attributeRemoved(session, name, session.get(name));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A listener failed on the expiry of session " + SessionIds.privateLogTag(id) + ": " + e, e);
        }
    }
}

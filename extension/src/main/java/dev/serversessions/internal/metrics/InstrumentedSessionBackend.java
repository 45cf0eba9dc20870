package dev.serversessions.internal.metrics;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.NearCacheLoads;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times and traces every call the core makes to the store, whatever the backend: the one place
 * where store metrics are taken, so no backend carries code for them. Per call it reads the
 * clock twice, records into instruments built once and allocates only the call's small lambda.
 * A load the Redis near cache answers is not a store call and is not timed ({@link NearCacheLoads}).
 */
public final class InstrumentedSessionBackend implements SessionBackend {
    private static final Logger LOG = Logger.getLogger(InstrumentedSessionBackend.class.getName());
    private final SessionBackend backend;
    private final SessionMetrics metrics;
    private final StoreTracing tracing;
    private volatile boolean recordingFailureLogged;

    public InstrumentedSessionBackend(SessionBackend backend, SessionMetrics metrics, StoreTracing tracing) {
        this.backend = backend;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /** The backend this one measures. */
    public SessionBackend backend() {
        return backend;
    }

    /** A load answered from this server's near cache is no store call: neither timed nor traced as one. */
    @Override
    public Optional<StoredSession> load(String id) {
        if (backend instanceof NearCacheLoads nearCache) {
            StoredSession copy = nearCache.fromNearCache(id);
            return copy != null ? Optional.of(copy) : timed(StoreOperation.LOAD, () -> nearCache.fromStore(id));
        }
        return timed(StoreOperation.LOAD, () -> backend.load(id));
    }

    @Override
    public java.util.Map<String, StoredSession> loadAll(java.util.Collection<String> ids) {
        return timed(StoreOperation.LOAD, () -> backend.loadAll(ids));
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        return timed(StoreOperation.SAVE, () -> backend.apply(id, changes));
    }

    @Override
    public void delete(String id) {
        timed(StoreOperation.DELETE, () -> {
            backend.delete(id);
            return null;
        });
    }

    @Override
    public boolean touch(String id, Instant expires) {
        return timed(StoreOperation.TOUCH, () -> backend.touch(id, expires));
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        return timed(StoreOperation.CHANGE_ID, () -> backend.changeId(oldId, newId));
    }

    @Override
    public int purgeExpired() {
        return timed(StoreOperation.PURGE, backend::purgeExpired);
    }

    /** Timed as a purge: it is the purge of a store whose application hears of expiries. */
    @Override
    public Map<String, StoredSession> claimExpired(int max) {
        return timed(StoreOperation.PURGE, () -> backend.claimExpired(max));
    }

    @Override
    public boolean keepExpiredForClaims(Duration grace) {
        return backend.keepExpiredForClaims(grace);
    }

    @Override
    public boolean tryLock(String id, String token, Duration lease) {
        return timed(StoreOperation.LOCK, () -> backend.tryLock(id, token, lease));
    }

    @Override
    public boolean unlock(String id, String token) {
        return timed(StoreOperation.UNLOCK, () -> backend.unlock(id, token));
    }

    /** One store call, timed and traced; its failure is recorded and rethrown as it was. */
    private <T> T timed(StoreOperation operation, Supplier<T> call) {
        long start = System.nanoTime();
        Object span = tracing.start(operation);
        try {
            T result = call.get();
            ended(operation, start, span, null);
            return result;
        } catch (RuntimeException e) {
            ended(operation, start, span, e);
            throw e;
        }
    }

    /** Records one call; a metrics implementation that fails is logged once, never the store call's failure. */
    private void ended(StoreOperation operation, long start, Object span, RuntimeException failure) {
        try {
            metrics.storeCall(operation, System.nanoTime() - start, failure);
            if (span != null) {
                tracing.end(span, failure);
            }
        } catch (RuntimeException e) {
            if (!recordingFailureLogged) {
                recordingFailureLogged = true;
                LOG.log(Level.WARNING, "Recording a session store call failed; the call itself did not: " + e, e);
            }
        }
    }

    @Override
    public boolean expiresEntriesItself() {
        return backend.expiresEntriesItself();
    }

    @Override
    public long maxSessionBytes() {
        return backend.maxSessionBytes();
    }

    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return backend.ownerIndex();
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public void close() {
        backend.close();
    }
}

package dev.serversessions.internal.metrics;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.StoredSession;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times and traces every call the core makes to the store, whatever the backend: the one place
 * where store metrics are taken, so no backend carries code for them. Per call it reads the
 * clock twice and records into instruments built once; without tracing it allocates nothing.
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

    @Override
    public Optional<StoredSession> load(String id) {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.LOAD);
        try {
            Optional<StoredSession> session = backend.load(id);
            ended(StoreOperation.LOAD, start, span, null);
            return session;
        } catch (RuntimeException e) {
            ended(StoreOperation.LOAD, start, span, e);
            throw e;
        }
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.SAVE);
        try {
            boolean applied = backend.apply(id, changes);
            ended(StoreOperation.SAVE, start, span, null);
            return applied;
        } catch (RuntimeException e) {
            ended(StoreOperation.SAVE, start, span, e);
            throw e;
        }
    }

    @Override
    public void delete(String id) {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.DELETE);
        try {
            backend.delete(id);
            ended(StoreOperation.DELETE, start, span, null);
        } catch (RuntimeException e) {
            ended(StoreOperation.DELETE, start, span, e);
            throw e;
        }
    }

    @Override
    public boolean touch(String id, Instant expires) {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.TOUCH);
        try {
            boolean touched = backend.touch(id, expires);
            ended(StoreOperation.TOUCH, start, span, null);
            return touched;
        } catch (RuntimeException e) {
            ended(StoreOperation.TOUCH, start, span, e);
            throw e;
        }
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.CHANGE_ID);
        try {
            boolean changed = backend.changeId(oldId, newId);
            ended(StoreOperation.CHANGE_ID, start, span, null);
            return changed;
        } catch (RuntimeException e) {
            ended(StoreOperation.CHANGE_ID, start, span, e);
            throw e;
        }
    }

    @Override
    public int purgeExpired() {
        long start = System.nanoTime();
        Object span = tracing.start(StoreOperation.PURGE);
        try {
            int purged = backend.purgeExpired();
            ended(StoreOperation.PURGE, start, span, null);
            return purged;
        } catch (RuntimeException e) {
            ended(StoreOperation.PURGE, start, span, e);
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

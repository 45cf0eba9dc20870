package dev.serversessions.internal.metrics;

import dev.serversessions.internal.backend.NearCacheCounts;
import dev.serversessions.internal.backend.SessionCount;

/**
 * What the library counts and times, in whatever metrics API the runtime has. Every method is
 * called on a request's path: an implementation records into instruments built once, and
 * {@link #NONE} (no metrics API) does nothing at all.
 */
public interface SessionMetrics {
    /** For a runtime without a metrics API. */
    SessionMetrics NONE = new SessionMetrics() {
    };

    /**
     * One call to the store ended.
     *
     * @param failure what it threw, or null
     */
    default void storeCall(StoreOperation operation, long nanos, RuntimeException failure) {
    }

    /** A save wrote the session; {@code bytes} is its whole size, as the size limit measures it. */
    default void saved(long bytes) {
    }

    /** A request that changed nothing moved the stored expiry (the slide). */
    default void slid() {
    }

    /** A stored session got a new id. */
    default void regenerated() {
    }

    /** A stored session was deleted because the application invalidated it. */
    default void invalidated() {
    }

    /** A request was answered 503 because the store was unavailable. */
    default void unavailableAnswered() {
    }

    /** A request found a session it could not decode (and went on with a fresh one). */
    default void undecodable() {
    }

    /**
     * Reports the store's count of sessions as a gauge, asked whenever the metrics are read;
     * called once, for a store that can count cheaply.
     */
    default void countSessions(SessionCount store) {
    }

    /**
     * Reports a near cache's lookups (by result: hit, miss, bypass), evictions and entries,
     * asked whenever the metrics are read; called once, for a backend whose near cache is on.
     */
    default void countNearCache(NearCacheCounts cache) {
    }
}

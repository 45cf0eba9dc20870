package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionBackend;
import java.util.Optional;

/**
 * The counts of a backend's near cache of sessions (Redis, {@code SESSION_REDIS_NEAR_CACHE}), for
 * the {@code serversessions.near_cache.*} metrics (docs/operations.md "Metrics"). Read when the metrics are
 * read, never on a request.
 */
public interface NearCacheCounts {
    /** Loads served by this server's copy. */
    long hits();

    /** Loads that looked for a copy while the cache served, found none and asked Redis. */
    long misses();

    /** Loads sent to Redis because the cache was not in step with Redis's invalidations. */
    long bypassed();

    /** Copies dropped: invalidated (by Redis, a flush, this server's own write), for room, or found expired. */
    long evictions();

    /** Sessions held now. */
    long entries();

    /** The counts of {@code backend}'s near cache, if it keeps one. */
    static Optional<NearCacheCounts> of(SessionBackend backend) {
        return backend instanceof Source source ? source.nearCacheCounts() : Optional.empty();
    }

    /** A backend that may keep a near cache. */
    interface Source {
        /** Empty while the near cache is off. */
        Optional<NearCacheCounts> nearCacheCounts();
    }
}

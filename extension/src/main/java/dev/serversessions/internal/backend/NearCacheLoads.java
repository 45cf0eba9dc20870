package dev.serversessions.internal.backend;

import dev.serversessions.api.StoredSession;
import java.util.Optional;

/**
 * A backend whose loads may be answered from this server's memory (the Redis near cache). A
 * load is {@link #fromNearCache} and, where that finds nothing, {@link #fromStore}: so that only
 * the second is timed and traced as a call to the store ({@code db.client.operation.duration}
 * counts the store's calls, not lookups in a map).
 */
public interface NearCacheLoads {
    /** The session from this server's copy (counted as a hit or a miss), or null: then ask {@link #fromStore}. */
    StoredSession fromNearCache(String id);

    /** A load from the store that does not look in the near cache first (it has just missed), keeping what it read. */
    Optional<StoredSession> fromStore(String id);
}

package dev.serversessions.internal.metrics;

/** The names and meanings of the library's metrics, the same in every metrics API (docs/operations.md "Metrics"). */
final class MetricNames {
    /** OpenTelemetry's semantic convention for the duration of a database client call. */
    static final String OPERATION_DURATION = "db.client.operation.duration";
    static final String OPERATION_DURATION_HELP = "Duration of the session store's calls";
    static final String LOADS = "serversessions.loads";
    static final String LOADS_HELP = "Sessions loaded from the store (found or not)";
    static final String SAVES = "serversessions.saves";
    static final String SAVES_HELP = "Change sets written to the store";
    static final String DELETES = "serversessions.deletes";
    static final String DELETES_HELP = "Sessions deleted from the store";
    static final String SLIDES = "serversessions.slides";
    static final String SLIDES_HELP = "Expiry refreshes of sessions a request did not change";
    static final String REGENERATIONS = "serversessions.regenerations";
    static final String REGENERATIONS_HELP = "Stored sessions given a new id";
    static final String INVALIDATIONS = "serversessions.invalidations";
    static final String INVALIDATIONS_HELP = "Stored sessions deleted because the application invalidated them";
    static final String UNAVAILABLE = "serversessions.unavailable";
    static final String UNAVAILABLE_HELP = "Requests answered 503 because the session store was unavailable";
    static final String UNDECODABLE = "serversessions.undecodable";
    static final String UNDECODABLE_HELP = "Requests that found stored session data they could not decode";
    static final String SIZE = "serversessions.size";
    static final String SIZE_HELP = "Size of a session when it is saved";
    static final String LIVE = "serversessions.live";
    static final String LIVE_HELP = "Sessions in the store, as the store counts them cheaply (MongoDB only)";

    static final String NEAR_CACHE_LOOKUPS = "serversessions.near_cache.lookups";
    static final String NEAR_CACHE_LOOKUPS_HELP = "Session loads that asked this server's near cache first, by result (hit, miss, bypass)";
    static final String NEAR_CACHE_EVICTIONS = "serversessions.near_cache.evictions";
    static final String NEAR_CACHE_EVICTIONS_HELP = "Sessions dropped from the near cache: invalidated, for room, or expired";
    static final String NEAR_CACHE_ENTRIES = "serversessions.near_cache.entries";
    static final String NEAR_CACHE_ENTRIES_HELP = "Sessions held in this server's near cache";
    static final String RESULT_HIT = "hit";
    static final String RESULT_MISS = "miss";
    static final String RESULT_BYPASS = "bypass";

    private MetricNames() {
    }
}

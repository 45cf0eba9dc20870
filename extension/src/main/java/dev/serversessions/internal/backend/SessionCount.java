package dev.serversessions.internal.backend;

/**
 * A backend whose store counts its sessions without reading them, for the
 * {@code serversessions.live} gauge (docs/operations.md "Metrics"). Asked when the metrics are read, never on
 * a request. Only MongoDB has one: Redis, memcached and the file system would scan, and a SQL
 * {@code COUNT(*)} reads every row on PostgreSQL.
 */
public interface SessionCount {

    /**
     * About how many sessions the store holds.
     *
     * @throws dev.serversessions.api.SessionStoreUnavailableException if the store cannot say
     */
    long countSessions();
}

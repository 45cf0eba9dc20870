package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionType;
import java.util.Optional;

/**
 * Finds a client the application produced for a store, e.g. {@code @Produces @Backend(REDIS)
 * UnifiedJedis}: the Java form of Flask-Session's "a redis.Redis instance".
 */
@FunctionalInterface
public interface ClientLookup {

    /** The application's client of {@code clientType} qualified {@code @Backend(store)}, if any. */
    <T> Optional<T> find(Class<T> clientType, SessionType store);

    /**
     * The application's bean of {@code type} with the default qualifier, if any: a runtime's
     * metric registry or OpenTelemetry instance.
     */
    default <T> Optional<T> bean(Class<T> type) {
        return Optional.empty();
    }

    /** For applications without CDI: nothing is ever produced. */
    ClientLookup NONE = new ClientLookup() {
        @Override
        public <T> Optional<T> find(Class<T> clientType, SessionType store) {
            return Optional.empty();
        }
    };
}

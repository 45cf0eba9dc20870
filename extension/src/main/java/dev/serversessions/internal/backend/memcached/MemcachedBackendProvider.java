package dev.serversessions.internal.backend.memcached;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.config.ConfigValues;
import java.time.Clock;
import java.util.Optional;
import net.spy.memcached.MemcachedClient;

/**
 * Builds the memcached backend from {@code SESSION_MEMCACHED*}, or on the application's own
 * {@code @Backend(MEMCACHED) MemcachedClient}.
 */
public final class MemcachedBackendProvider implements BackendProvider {
    @Override
    public void validate(ConfigValues values) {
        MemcachedSettings.read(values);
    }

    @Override
    public SessionBackend create(BackendContext context) {
        MemcachedSettings settings = MemcachedSettings.read(context.config());
        String keyPrefix = context.settings().keyPrefix();
        Optional<MemcachedClient> own = context.clients().find(MemcachedClient.class, SessionType.MEMCACHED);
        if (own.isPresent()) {
            return MemcachedSessionBackend.withApplicationClient(own.get(), settings, keyPrefix, Clock.systemUTC());
        }
        return MemcachedSessionBackend.withOwnClient(settings, keyPrefix, Clock.systemUTC());
    }
}

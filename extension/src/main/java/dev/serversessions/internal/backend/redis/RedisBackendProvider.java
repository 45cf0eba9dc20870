package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.config.ConfigValues;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Redis backend from {@code SESSION_REDIS*}, or on the application's own
 * {@code @Backend(REDIS) UnifiedJedis} when it produces one.
 */
public final class RedisBackendProvider implements BackendProvider {
    @Override
    public void validate(ConfigValues values) {
        RedisSettings.read(values);
    }

    @Override
    public SessionBackend create(BackendContext context) {
        String keyPrefix = context.settings().keyPrefix();
        return context.clients().find(UnifiedJedis.class, SessionType.REDIS)
                .map(client -> RedisSessionBackend.using(client, keyPrefix))
                .orElseGet(() -> RedisSessionBackend.connectingTo(RedisSettings.read(context.config()), keyPrefix));
    }
}

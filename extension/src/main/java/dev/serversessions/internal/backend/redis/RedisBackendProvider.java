package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.config.ConfigValues;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Redis backend from {@code SESSION_REDIS*}, or on the application's own
 * {@code @Backend(REDIS) UnifiedJedis} when it produces one.
 */
public final class RedisBackendProvider implements BackendProvider {
    private static final Logger LOG = Logger.getLogger(RedisBackendProvider.class.getName());

    @Override
    public void validate(ConfigValues values) {
        RedisSettings.read(values);
    }

    @Override
    public SessionBackend create(BackendContext context) {
        String keyPrefix = context.settings().keyPrefix();
        RedisSettings settings = RedisSettings.read(context.config());
        return context.clients().find(UnifiedJedis.class, SessionType.REDIS)
                .map(client -> {
                    if (settings.nearCache()) {
                        // the invalidation connection needs the address and credentials, which a
                        // produced client does not tell
                        LOG.warning(RedisSettings.NEAR_CACHE + "=true is ignored: the application produces its own"
                                + " @Backend(REDIS) UnifiedJedis; the near cache works only with the client built from "
                                + RedisSettings.REDIS + " (remove the producer to use it)");
                    }
                    return RedisSessionBackend.using(client, keyPrefix);
                })
                .orElseGet(() -> RedisSessionBackend.connectingTo(settings, keyPrefix));
    }
}

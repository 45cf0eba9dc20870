package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.RedisServer;
import java.util.HashMap;
import java.util.Map;

/** Builds Redis backends the way the runtime does: from keys, through the provider. */
final class RedisBackends {
    private RedisBackends() {
    }

    /** Everything one Redis server holds ({@link RedisServer#contents}). */
    static String dump(redis.clients.jedis.Jedis admin) {
        return RedisServer.contents(admin);
    }

    static SessionBackend fromKeys(Map<String, String> keys, String keyPrefix) {
        return fromKeys(keys, keyPrefix, ClientLookup.NONE);
    }

    static SessionBackend fromKeys(Map<String, String> keys, String keyPrefix, ClientLookup clients) {
        Map<String, String> all = new HashMap<>(keys);
        all.put("SESSION_TYPE", "redis");
        all.put("SESSION_KEY_PREFIX", keyPrefix);
        ConfigValues values = new ConfigValues(SettingsSource.of(all));
        SessionSettings settings = SessionSettings.read(values);
        RedisBackendProvider provider = new RedisBackendProvider();
        provider.validate(values);
        values.throwIfInvalid();
        return provider.create(new BackendContext(settings, values, clients));
    }
}

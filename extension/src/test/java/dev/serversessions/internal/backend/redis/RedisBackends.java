package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import java.util.HashMap;
import java.util.Map;

/** Builds Redis backends the way the runtime does: from keys, through the provider. */
final class RedisBackends {
    private RedisBackends() {
    }

    /**
     * Everything one Redis server holds, as a reader of its data (an RDB file, a replica) sees it:
     * every key with its value, whatever its type (a session hash, an owner index's sorted set,
     * the {@code !expiries} set, a lock string), binary as ISO-8859-1 text.
     */
    static String dump(redis.clients.jedis.Jedis admin) {
        java.nio.charset.Charset bytes = java.nio.charset.StandardCharsets.ISO_8859_1;
        StringBuilder dump = new StringBuilder();
        for (byte[] key : admin.keys("*".getBytes(bytes))) {
            dump.append(new String(key, bytes)).append(" = ");
            switch (admin.type(key)) {
                case "string" -> dump.append(new String(admin.get(key), bytes));
                case "hash" -> admin.hgetAll(key).forEach((f, v) -> dump.append(new String(f, bytes)).append(':').append(new String(v, bytes)).append(' '));
                case "zset" -> admin.zrangeWithScores(key, 0, -1).forEach(t -> dump.append(new String(t.getBinaryElement(), bytes)).append(' '));
                case "set" -> admin.smembers(key).forEach(m -> dump.append(new String(m, bytes)).append(' '));
                case "list" -> admin.lrange(key, 0, -1).forEach(m -> dump.append(new String(m, bytes)).append(' '));
                default -> dump.append("(").append(admin.type(key)).append(")");
            }
            dump.append('\n');
        }
        return dump.toString();
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

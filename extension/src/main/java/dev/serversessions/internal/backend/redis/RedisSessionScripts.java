package dev.serversessions.internal.backend.redis;

/**
 * The Lua scripts of {@link RedisSessionBackend}: each change of a session or its lock is one
 * script, so that it is one round trip and no other client sees half of it.
 */
final class RedisSessionScripts {
    private RedisSessionScripts() {
    }

    /**
     * KEYS: session; ARGV: isNew (1/0), created ms, ttl ms, expires ms, number of puts, then
     * field/value pairs, then fields to delete. Returns 0, writing nothing, if an existing
     * session is gone (or another client put a key of another type there meanwhile: it is not
     * ours to change).
     */
    static final RedisScript APPLY = new RedisScript("""
            local key = KEYS[1]
            if ARGV[1] == '1' then
              redis.call('DEL', key)
              redis.call('HSET', key, 'm:created', ARGV[2])
            elseif redis.call('TYPE', key)['ok'] ~= 'hash' then
              return 0
            end
            local puts = tonumber(ARGV[5])
            for i = 6, 5 + 2 * puts, 2 do
              redis.call('HSET', key, ARGV[i], ARGV[i + 1])
            end
            for i = 6 + 2 * puts, #ARGV do
              redis.call('HDEL', key, ARGV[i])
            end
            redis.call('HSET', key, 'm:expires', ARGV[4])
            redis.call('PEXPIRE', key, ARGV[3])
            return 1
            """);

    /** KEYS: session; ARGV: ttl ms, expires ms. Returns 0, writing nothing, unless a hash is there. */
    static final RedisScript TOUCH = new RedisScript("""
            if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
            redis.call('HSET', KEYS[1], 'm:expires', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /** KEYS: old, new (same slot). RENAME, but 0 instead of an error when the old key is gone. */
    static final RedisScript RENAME = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('RENAME', KEYS[1], KEYS[2])
            return 1
            """);

    /** KEYS: session. Removes it and returns {serialized value, ttl}, or nil if it is gone. */
    static final RedisScript TAKE = new RedisScript("""
            local dump = redis.call('DUMP', KEYS[1])
            if not dump then return false end
            local ttl = redis.call('PTTL', KEYS[1])
            redis.call('DEL', KEYS[1])
            return {dump, ttl}
            """);

    /**
     * KEYS: lock; ARGV: token, lease ms. Takes the lock if free (1), or says that another token
     * holds it (0). Asking again with the token that holds it answers 1, so a retry after a lost
     * reply does not lock its own request out.
     */
    static final RedisScript LOCK = new RedisScript("""
            local held = redis.call('GET', KEYS[1])
            if held == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if held then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """);

    /** KEYS: lock; ARGV: token. Deletes the lock only if the token still holds it (1), else 0. */
    static final RedisScript UNLOCK = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);
}

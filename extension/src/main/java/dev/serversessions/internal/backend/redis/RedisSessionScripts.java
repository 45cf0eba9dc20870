package dev.serversessions.internal.backend.redis;

/**
 * The Lua scripts of {@link RedisSessionBackend}: each change of a session or its lock is one
 * script, so that it is one round trip and no other client sees half of it.
 */
final class RedisSessionScripts {
    private RedisSessionScripts() {
    }

    /**
     * KEYS: session, and the expiry index where expired sessions are kept for claims; ARGV:
     * isNew (1/0), created ms, ttl ms, expires ms, number of puts, now ms, id, then field/value
     * pairs, then fields to delete. Returns 0, writing nothing, if an existing session is gone
     * (with the index: or expired, though its key is kept) or another client put a key of
     * another type there meanwhile: it is not ours to change.
     */
    static final RedisScript APPLY = new RedisScript("""
            local key = KEYS[1]
            if ARGV[1] == '1' then
              redis.call('DEL', key)
              redis.call('HSET', key, 'm:created', ARGV[2])
            elseif redis.call('TYPE', key)['ok'] ~= 'hash' then
              return 0
            elseif KEYS[2] then
              local expires = tonumber(redis.call('HGET', key, 'm:expires'))
              if expires and expires <= tonumber(ARGV[6]) then return 0 end
            end
            local puts = tonumber(ARGV[5])
            for i = 8, 7 + 2 * puts, 2 do
              redis.call('HSET', key, ARGV[i], ARGV[i + 1])
            end
            for i = 8 + 2 * puts, #ARGV do
              redis.call('HDEL', key, ARGV[i])
            end
            redis.call('HSET', key, 'm:expires', ARGV[4])
            redis.call('PEXPIRE', key, ARGV[3])
            if KEYS[2] then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[7]) end
            return 1
            """);

    /**
     * KEYS: session, and the expiry index if any; ARGV: ttl ms, expires ms, now ms, id. Returns
     * 0, writing nothing, unless a hash is there (with the index: a live one).
     */
    static final RedisScript TOUCH = new RedisScript("""
            if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
            if KEYS[2] then
              local expires = tonumber(redis.call('HGET', KEYS[1], 'm:expires'))
              if expires and expires <= tonumber(ARGV[3]) then return 0 end
              redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
            end
            redis.call('HSET', KEYS[1], 'm:expires', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /** KEYS: session, expiry index; ARGV: id. Deletes the session and its entry in the index. */
    static final RedisScript DELETE = new RedisScript("""
            redis.call('ZREM', KEYS[2], ARGV[1])
            return redis.call('DEL', KEYS[1])
            """);

    /**
     * KEYS: old, new (same slot), and the expiry index if any; ARGV with the index: now ms, old
     * id, new id. RENAME, but 0 instead of an error when the old key is gone (with the index:
     * or expired); the index follows the id.
     */
    static final RedisScript RENAME = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if KEYS[3] then
              local expires = tonumber(redis.call('HGET', KEYS[1], 'm:expires'))
              if expires and expires <= tonumber(ARGV[1]) then return 0 end
              redis.call('ZREM', KEYS[3], ARGV[2])
              if expires then redis.call('ZADD', KEYS[3], expires, ARGV[3]) end
            end
            redis.call('RENAME', KEYS[1], KEYS[2])
            return 1
            """);

    /**
     * KEYS: expiry index; ARGV: now ms, most sessions, key prefix. Takes up to that many
     * sessions whose expiry has passed out of the index and out of Redis, and returns them as
     * id, HGETALL pairs. One script, so each expired session goes to exactly one caller. Entries
     * whose key is gone (deleted, or forgotten by Redis after its grace) are dropped; an entry
     * whose session was slid meanwhile gets its new expiry back. The session keys are not
     * declared: the index is used on a single Redis only (not a cluster), where that is allowed.
     */
    static final RedisScript CLAIM = new RedisScript("""
            local now = tonumber(ARGV[1])
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
            local claimed = {}
            for _, id in ipairs(ids) do
              redis.call('ZREM', KEYS[1], id)
              local key = ARGV[3] .. id
              if redis.call('TYPE', key)['ok'] == 'hash' then
                local expires = tonumber(redis.call('HGET', key, 'm:expires'))
                if expires and expires > now then
                  redis.call('ZADD', KEYS[1], expires, id)
                else
                  table.insert(claimed, id)
                  table.insert(claimed, redis.call('HGETALL', key))
                  redis.call('DEL', key)
                end
              end
            end
            return claimed
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

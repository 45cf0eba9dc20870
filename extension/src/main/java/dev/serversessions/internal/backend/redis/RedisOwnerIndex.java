package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionOwnerIndex;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;

/**
 * One sorted set per user at {@code SESSION_KEY_PREFIX + "owner:" + sha256(owner)}: members are
 * session ids, scored by the time (ms) until which the entry is kept. Every write and every read
 * first drops the members whose time has passed ({@code ZREMRANGEBYSCORE}), and the set's own
 * expiry is moved to its latest score, so a user who never comes back leaves nothing behind.
 * One round trip per operation, a script on the one key (so it runs on any cluster node).
 * Scores are sent as times measured on this server's clock, and the key's expiry as a time to
 * live, as for sessions.
 */
final class RedisOwnerIndex implements SessionOwnerIndex {
    /** KEYS: index; ARGV: now ms, id, until ms. */
    private static final RedisScript ADD = new RedisScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - tonumber(ARGV[1])))
            return 1
            """);

    /** KEYS: index; ARGV: now ms. Returns the members left. */
    private static final RedisScript IDS = new RedisScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """);

    private final Function<Function<UnifiedJedis, Object>, Object> call;
    private final String keyPrefix;
    private final Clock clock;

    RedisOwnerIndex(Function<Function<UnifiedJedis, Object>, Object> call, String keyPrefix, Clock clock) {
        this.call = call;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
    }

    @Override
    public void add(String owner, String id, Instant until) {
        byte[] now = number(clock.millis());
        call.apply(c -> ADD.run(c, List.of(key(owner)), List.of(now, bytes(id), number(until.toEpochMilli()))));
    }

    @Override
    public void remove(String owner, String id) {
        call.apply(c -> c.zrem(key(owner), bytes(id)));
    }

    @Override
    public Set<String> ids(String owner) {
        List<?> members = (List<?>) call.apply(c -> IDS.run(c, List.of(key(owner)), List.of(number(clock.millis()))));
        Set<String> ids = new LinkedHashSet<>();
        members.forEach(m -> ids.add(new String((byte[]) m, StandardCharsets.UTF_8)));
        return ids;
    }

    /** The key of {@code owner}'s index: hashed, so any name makes a short key of fixed form. */
    byte[] key(String owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return bytes(keyPrefix + "owner:" + HexFormat.of().formatHex(digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}

package dev.serversessions.internal.backend.redis;

import static dev.serversessions.internal.backend.redis.RedisSessionScripts.APPLY;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.CLAIM;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.DELETE;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.LOCK;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.RENAME;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.TAKE;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.TOUCH;
import static dev.serversessions.internal.backend.redis.RedisSessionScripts.UNLOCK;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.NearCacheCounts;
import dev.serversessions.internal.backend.NearCacheLoads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One Redis hash per session at {@code SESSION_KEY_PREFIX + id}: a field {@code a:<name>} per
 * attribute (the prefix keeps any attribute name apart from the metadata), {@code m:created} and
 * {@code m:expires}; the key's own expiry is the session's. Each operation is one round trip: a
 * load is a plain {@code HGETALL} (no write, so a replica or a client-side cache can serve it),
 * and a Lua script, run by SHA-1, where a write must check and change atomically.
 *
 * <p>Expiries are sent as a time to live measured on this server's clock ({@code PEXPIRE}), not
 * as an instant for Redis's clock ({@code PEXPIREAT}), so a skew between the two clocks never
 * shortens or stretches a session; Redis never returns an expired key, which is the read-time
 * check. {@code m:expires} repeats the expiry in milliseconds, as the writing server's clock saw
 * it, only so that a load learns it without a second command ({@code HGETALL} does not report a
 * time to live); a hash written before that field existed costs one {@code PTTL} more.
 *
 * <p>With {@code SESSION_REDIS_NEAR_CACHE} on, a load is served from {@link RedisNearCache} when
 * it holds the session and {@link RedisInvalidations} is in step with Redis; every change still
 * goes to Redis and drops this server's copy.
 */
final class RedisSessionBackend implements SessionBackend, NearCacheCounts.Source, NearCacheLoads {
    static final String ATTRIBUTE_FIELD = "a:";
    static final String CREATED_FIELD = "m:created";
    static final String EXPIRES_FIELD = "m:expires";
    /** What a hash without expiry (made by hand, or PERSISTed) is taken to live for. */
    private static final Duration NO_EXPIRY = Duration.ofDays(3650);
    private static final Logger LOG = Logger.getLogger(RedisSessionBackend.class.getName());

    private final String keyPrefix;
    private final String description;
    private final Clock clock;
    private final RedisCalls calls;
    private final RedisOwnerIndex ownerIndex;
    /** Null unless {@code SESSION_REDIS_NEAR_CACHE} is on; then {@code invalidations} is set as well. */
    private RedisNearCache nearCache;
    private RedisInvalidations invalidations;
    /** Whether the client talks to a Redis Cluster, where one script cannot reach the expiry index and a session. */
    private final boolean cluster;
    /**
     * Null, or how long a key outlives its session's expiry, kept for {@link #claimExpired}: a
     * sorted set of ids by expiry ({@link #expiryIndexKey}) then follows every write in the
     * write's own script, and a session past {@code m:expires} counts as gone.
     */
    private volatile Duration keepExpired;
    private static final int LOAD_ALL_BATCH = 1000;

    private RedisSessionBackend(Supplier<UnifiedJedis> connect, boolean ownsClient, String keyPrefix, String description,
                                int maxRetries, Duration retryWindow, boolean cluster) {
        this.calls = new RedisCalls(connect, ownsClient, description, maxRetries, retryWindow);
        this.cluster = cluster;
        this.keyPrefix = keyPrefix;
        this.description = description;
        this.clock = Clock.systemUTC();
        this.ownerIndex = new RedisOwnerIndex(this::call, keyPrefix, clock);
    }

    /** A backend with its own client, built on first use so that a Redis that is down fails no deployment. */
    static RedisSessionBackend connectingTo(RedisSettings settings, String keyPrefix) {
        RedisSessionBackend backend = new RedisSessionBackend(() -> RedisClients.build(settings), true, keyPrefix,
                settings.describe(), settings.poolSize(), settings.timeout(), settings.mode() == RedisSettings.Mode.CLUSTER);
        if (settings.nearCache()) {
            backend.nearCache = new RedisNearCache(settings.nearCacheSize(), settings.nearCacheBytes());
            backend.invalidations = new RedisInvalidations(() -> backend.master(settings), RedisClients.dataConfig(settings),
                    keyPrefix, backend.nearCache, settings.timeout(), settings.describe()).start();
        }
        return backend;
    }

    /** Where the invalidation connection goes: the server, or the master Sentinel names now. */
    private HostAndPort master(RedisSettings settings) {
        if (settings.mode() == RedisSettings.Mode.SENTINEL) {
            return ((RedisSentinelClient) calls.client()).getCurrentMaster();
        }
        return settings.nodes().get(0);
    }

    /** A backend on the application's client, which it never closes. */
    static RedisSessionBackend using(UnifiedJedis client, String keyPrefix) {
        RedisSessionBackend backend = new RedisSessionBackend(() -> client, false, keyPrefix,
                "redis (the application's @Backend(REDIS) UnifiedJedis)", RedisSettings.DEFAULT_POOL_SIZE,
                Duration.ofMillis(RedisSettings.DEFAULT_TIMEOUT_MS), client instanceof JedisCluster || client instanceof RedisClusterClient);
        backend.calls.use(client);
        return backend;
    }

    @Override
    public Optional<StoredSession> load(String id) {
        StoredSession cached = fromNearCache(id);
        return cached != null ? Optional.of(cached) : fromStore(id);
    }

    @Override
    public StoredSession fromNearCache(String id) {
        return nearCache == null ? null : nearCache.hit(keyPrefix + id, clock.instant(), invalidations.behind());
    }

    @Override
    public Optional<StoredSession> fromStore(String id) {
        if (nearCache == null) {
            return read(id);
        }
        String key = keyPrefix + id;
        long ticket = nearCache.ticket(key);
        Optional<StoredSession> loaded = read(id);
        loaded.ifPresent(session -> nearCache.put(key, ticket, session));
        return loaded;
    }

    /**
     * Every change goes to Redis; this server's own copy is dropped before (so that no load
     * running meanwhile keeps the old state) and after (so that a load that read the old state
     * first and kept it is undone before this request answers). Keeping what was written instead
     * would not last: Redis's invalidation of this very write arrives afterwards and evicts it.
     */
    private <T> T changing(String id, Supplier<T> change) {
        if (nearCache == null) {
            return change.get();
        }
        String key = keyPrefix + id;
        nearCache.invalidate(key);
        try {
            return change.get();
        } finally {
            nearCache.invalidate(key);
        }
    }

    private Optional<StoredSession> read(String id) {
        byte[] key = key(id);
        Map<byte[], byte[]> fields = call(c -> {
            try {
                return c.hgetAll(key);
            } catch (JedisDataException e) {
                if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                    return null;
                }
                throw e;
            }
        });
        if (fields == null) {
            throw new MalformedSessionException("the key holds a Redis value of another type (WRONGTYPE), not a session hash");
        }
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredSession> session = fromFields(fields, key);
        if (keepExpired != null && session.isPresent() && !session.get().expires().isAfter(clock.instant())) {
            return Optional.empty(); // expired, its key kept for the claim
        }
        return session;
    }

    /** The hashes of {@code ids}, pipelined {@link #LOAD_ALL_BATCH} at a time; from Redis, never the near cache. */
    @Override
    public Map<String, StoredSession> loadAll(java.util.Collection<String> ids) {
        Map<String, StoredSession> found = new LinkedHashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += LOAD_ALL_BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + LOAD_ALL_BATCH));
            List<redis.clients.jedis.Response<Map<byte[], byte[]>>> replies = call(c -> {
                try (redis.clients.jedis.AbstractPipeline pipeline = c.pipelined()) {
                    List<redis.clients.jedis.Response<Map<byte[], byte[]>>> each = new ArrayList<>();
                    batch.forEach(id -> each.add(pipeline.hgetAll(key(id))));
                    pipeline.sync();
                    return each;
                }
            });
            Instant now = clock.instant();
            for (int i = 0; i < batch.size(); i++) {
                String id = batch.get(i);
                try {
                    Map<byte[], byte[]> fields = replies.get(i).get();
                    if (!fields.isEmpty()) {
                        fromFields(fields, key(id)).filter(session -> keepExpired == null || session.expires().isAfter(now))
                                .ifPresent(session -> found.put(id, session));
                    }
                } catch (JedisDataException | MalformedSessionException e) {
                    // another type under the key (WRONGTYPE), or a malformed hash: absent, as for load
                }
            }
        }
        return found;
    }

    /** A session hash's fields as a session. */
    private Optional<StoredSession> fromFields(Map<byte[], byte[]> fields, byte[] key) {
        Map<String, byte[]> attributes = new HashMap<>();
        Instant created = null;
        Instant expires = null;
        for (Map.Entry<byte[], byte[]> entry : fields.entrySet()) {
            String field = new String(entry.getKey(), StandardCharsets.UTF_8);
            if (field.startsWith(ATTRIBUTE_FIELD)) {
                attributes.put(field.substring(ATTRIBUTE_FIELD.length()), entry.getValue());
            } else if (field.equals(CREATED_FIELD)) {
                created = millis(entry.getValue(), CREATED_FIELD);
            } else if (field.equals(EXPIRES_FIELD)) {
                expires = millis(entry.getValue(), EXPIRES_FIELD);
            }
        }
        if (created == null) {
            throw new MalformedSessionException("the hash has no m:created field of milliseconds");
        }
        if (expires == null) {
            // written before m:expires existed: ask Redis (the next write or slide adds the field)
            Instant now = clock.instant();
            long ttl = call(c -> c.pttl(key));
            if (ttl == -2) {
                return Optional.empty(); // expired between the two commands
            }
            expires = ttl >= 0 ? now.plusMillis(ttl) : now.plus(NO_EXPIRY);
        }
        return Optional.of(new StoredSession(attributes, created, expires));
    }

    /** A time field as this backend writes it: whole milliseconds, ASCII digits. */
    private static Instant millis(byte[] value, String field) {
        // a length check first: a huge run of digits is no time of ours, and not worth parsing
        if (value.length == 0 || value.length > 18) {
            throw new MalformedSessionException("the hash's " + field + " field is not a time in milliseconds");
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(new String(value, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new MalformedSessionException("the hash's " + field + " field is not a time in milliseconds", e);
        }
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        List<byte[]> args = new ArrayList<>(7 + 2 * changes.put().size() + changes.removed().size());
        Instant now = clock.instant();
        args.add(number(changes.isNew() ? 1 : 0));
        args.add(number(changes.created().toEpochMilli()));
        args.add(number(keyTimeToLive(now, changes.expires())));
        args.add(number(changes.expires().toEpochMilli()));
        args.add(number(changes.put().size()));
        args.add(number(now.toEpochMilli()));
        args.add(id.getBytes(StandardCharsets.UTF_8));
        changes.put().forEach((name, value) -> {
            args.add(field(name));
            args.add(value);
        });
        changes.removed().forEach(name -> args.add(field(name)));
        return changing(id, () -> (Long) call(c -> APPLY.run(c, keys(id), args)) == 1);
    }

    /** A string key beside the session's hash with Redis's own expiry as the lease: one round trip each way. */
    @Override
    public boolean tryLock(String id, String token, Duration lease) {
        List<byte[]> args = List.of(token.getBytes(StandardCharsets.UTF_8), number(lease.toMillis()));
        return (Long) call(c -> LOCK.run(c, List.of(lockKey(id)), args)) == 1;
    }

    @Override
    public boolean unlock(String id, String token) {
        List<byte[]> args = List.of(token.getBytes(StandardCharsets.UTF_8));
        return (Long) call(c -> UNLOCK.run(c, List.of(lockKey(id)), args)) == 1;
    }

    /**
     * The session's key with {@code :lock} appended, in the session's cluster slot: a key that
     * already has a hash tag keeps it; otherwise the whole session key becomes the lock's tag,
     * which hashes exactly as the session key does.
     */
    byte[] lockKey(String id) {
        String key = keyPrefix + id;
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        boolean tagged = close > open + 1;
        return (tagged ? key + ":lock" : "{" + key + "}:lock").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void delete(String id) {
        if (keepExpired != null) {
            List<byte[]> keys = List.of(key(id), expiryIndexKey());
            changing(id, () -> call(c -> DELETE.run(c, keys, List.of(id.getBytes(StandardCharsets.UTF_8)))));
            return;
        }
        changing(id, () -> call(c -> c.del(key(id))));
    }

    @Override
    public boolean touch(String id, Instant expires) {
        Instant now = clock.instant();
        List<byte[]> args = List.of(number(keyTimeToLive(now, expires)), number(expires.toEpochMilli()),
                number(now.toEpochMilli()), id.getBytes(StandardCharsets.UTF_8));
        return changing(id, () -> (Long) call(c -> TOUCH.run(c, keys(id), args)) == 1);
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        return changing(oldId, () -> changing(newId, () -> rename(oldId, newId)));
    }

    private boolean rename(String oldId, String newId) {
        byte[] from = key(oldId);
        byte[] to = key(newId);
        Long renamed = call(c -> {
            try {
                if (keepExpired != null) {
                    return (Long) RENAME.run(c, List.of(from, to, expiryIndexKey()), List.of(number(clock.millis()),
                            oldId.getBytes(StandardCharsets.UTF_8), newId.getBytes(StandardCharsets.UTF_8)));
                }
                return (Long) RENAME.run(c, List.of(from, to), List.of());
            } catch (JedisClusterOperationException e) {
                if (JedisClusterCRC16.getSlot(from) == JedisClusterCRC16.getSlot(to)) {
                    throw e;
                }
                return null; // a cluster client refuses keys of two slots before sending anything
            }
        });
        return renamed != null ? renamed == 1 : moveAcrossSlots(from, to);
    }

    /**
     * Redis Cluster cannot move a key to another slot atomically: the old key is taken (read and
     * deleted in one script, so no request can use the old id after this) and then restored
     * under the new one. If the restore fails the session is put back, so an outage of one node
     * costs the request, not the session.
     */
    private boolean moveAcrossSlots(byte[] from, byte[] to) {
        List<?> taken = (List<?>) call(c -> TAKE.run(c, List.of(from), List.of()));
        if (taken == null) {
            return false;
        }
        byte[] dump = (byte[]) taken.get(0);
        long ttl = Math.max(0, (Long) taken.get(1)); // RESTORE takes 0 for "no expiry"
        try {
            call(c -> c.restore(to, ttl, dump, RestoreParams.restoreParams().replace()));
            return true;
        } catch (SessionStoreUnavailableException e) {
            try {
                call(c -> c.restore(from, ttl, dump, RestoreParams.restoreParams().replace()));
            } catch (SessionStoreUnavailableException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    @Override
    public int purgeExpired() {
        return 0; // every key carries its own expiry
    }

    /**
     * On a single Redis (or one Sentinel names): from now on every write also records the
     * session's expiry in a sorted set, in the write's own script (no round trip more), and each
     * key lives {@code grace} past its session's expiry. Not on Redis Cluster, where one script
     * cannot reach both the set and a session of another slot.
     */
    @Override
    public boolean keepExpiredForClaims(Duration grace) {
        if (cluster) {
            return false;
        }
        keepExpired = grace;
        return true;
    }

    @Override
    public Map<String, StoredSession> claimExpired(int max) {
        if (keepExpired == null) {
            return Map.of();
        }
        List<byte[]> args = List.of(number(clock.millis()), number(max), keyPrefix.getBytes(StandardCharsets.UTF_8));
        List<?> reply = (List<?>) call(c -> CLAIM.run(c, List.of(expiryIndexKey()), args));
        Map<String, StoredSession> claimed = new LinkedHashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            String id = new String((byte[]) reply.get(i), StandardCharsets.UTF_8);
            try {
                fromFields(hashFields((List<?>) reply.get(i + 1)), key(id)).ifPresent(session -> claimed.put(id, session));
            } catch (MalformedSessionException e) {
                LOG.warning(() -> "An expired session's hash is not one this library wrote (" + e.getMessage()
                        + "); it is deleted unannounced");
            }
            if (nearCache != null) {
                nearCache.invalidate(keyPrefix + id);
            }
        }
        return claimed;
    }

    /** HGETALL as a script returns it: field, value, field, value. */
    private static Map<byte[], byte[]> hashFields(List<?> flat) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return fields;
    }

    /** The sorted set of session ids by expiry, beside the sessions; '!' keeps it apart from any id. */
    byte[] expiryIndexKey() {
        return (keyPrefix + "!expiries").getBytes(StandardCharsets.UTF_8);
    }

    /** The session's key, and the expiry index where one is kept. */
    private List<byte[]> keys(String id) {
        return keepExpired != null ? List.of(key(id), expiryIndexKey()) : List.of(key(id));
    }

    /** How long the key lives: to the session's expiry, and the grace beyond it where expired sessions are kept. */
    private long keyTimeToLive(Instant now, Instant expires) {
        Duration grace = keepExpired;
        return timeToLive(now, expires) + (grace == null ? 0 : grace.toMillis());
    }

    /** The key of {@code owner}'s index, for tests that look at the store. */
    byte[] ownerIndexKey(String owner) {
        return ownerIndex.key(owner);
    }

    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.of(ownerIndex);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Optional<NearCacheCounts> nearCacheCounts() {
        return Optional.ofNullable(nearCache);
    }

    @Override
    public void close() {
        if (invalidations != null) {
            invalidations.close();
            LOG.info("Redis near cache of " + description + ": " + nearCache.counts());
        }
        calls.close();
    }

    /** One command or script, on a fresh connection again after a dead one ({@link RedisCalls#call}). */
    private <T> T call(Function<UnifiedJedis, T> command) {
        return calls.call(command);
    }

    private byte[] key(String id) {
        return (keyPrefix + id).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] field(String attribute) {
        return (ATTRIBUTE_FIELD + attribute).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Milliseconds from now to {@code expires}, at least 1: PEXPIRE with 0 would delete the key. */
    private static long timeToLive(Instant now, Instant expires) {
        return Math.max(1, Duration.between(now, expires).toMillis());
    }
}

package dev.serversessions.internal.backend.redis;

import static dev.serversessions.internal.backend.redis.RedisNearCacheTest.await;
import static dev.serversessions.internal.backend.redis.RedisNearCacheTest.cache;
import static dev.serversessions.internal.backend.redis.RedisNearCacheTest.settled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.testsupport.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SESSION_REDIS_NEAR_CACHE_BYTES against a real redis-server: the near cache holds no more bytes of
 * sessions than its bound, however few sessions that is, least recently used leaving first.
 */
class RedisNearCacheBytesTest {
    private static final SessionIds IDS = new SessionIds(32, null);
    private static final int MIB = 1024 * 1024;
    @RegisterExtension
    static final RedisForTheClass REDIS = new RedisForTheClass();
    private final List<SessionBackend> opened = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        opened.forEach(SessionBackend::close);
    }

    private SessionBackend cachedBackend(String prefix) {
        SessionBackend backend = RedisBackends.fromKeys(Map.of("SESSION_REDIS", "redis://127.0.0.1:" + REDIS.port(),
                "SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_SIZE", "1000",
                "SESSION_REDIS_NEAR_CACHE_BYTES", String.valueOf(MIB)), prefix);
        opened.add(backend);
        await(() -> cache(backend).isServing(), "the near cache never started serving");
        return backend;
    }

    private static byte[] filled(int length, int with) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) with);
        return bytes;
    }

    private static String stored(SessionBackend backend, byte[] value) {
        String id = IDS.generate();
        assertTrue(backend.apply(id, new ChangeSet(Map.of("cart", value), Set.of(), Instant.now(),
                Instant.now().plus(Duration.ofMinutes(30)), true)));
        return id;
    }

    @Test
    void theCacheKeepsNoMoreBytesThanItsBoundLeastRecentlyUsedLeavingFirst() {
        SessionBackend backend = cachedBackend("bytes:");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(stored(backend, filled(200_000, i)));
        }
        settled(backend);
        for (int i = 0; i < ids.size(); i++) {
            assertArrayEquals(filled(200_000, i), backend.load(ids.get(i)).orElseThrow().attributes().get("cart"));
            assertTrue(cache(backend).bytes() <= MIB, cache(backend).bytes() + " bytes kept");
        }
        RedisNearCache cache = cache(backend);
        assertEquals(5, cache.size(), "five sessions of 200 kB fit in 1 MiB, though 1,000 sessions may be kept");
        assertTrue(cache.evictions() >= 7, cache.counts());

        long hits = cache.hits();
        assertArrayEquals(filled(200_000, 11), backend.load(ids.get(11)).orElseThrow().attributes().get("cart"));
        assertEquals(hits + 1, cache.hits(), "the most recently read is served from memory: " + cache.counts());
        long misses = cache.misses();
        assertArrayEquals(filled(200_000, 0), backend.load(ids.get(0)).orElseThrow().attributes().get("cart"));
        assertEquals(misses + 1, cache.misses(), "the least recently read left first: " + cache.counts());
        assertTrue(cache.bytes() <= MIB, cache.bytes() + " bytes kept");
    }

    @Test
    void aSessionLargerThanTheWholeBoundIsServedFromRedisAndNotKept() {
        SessionBackend backend = cachedBackend("large:");
        String small = stored(backend, filled(1000, 1));
        String large = stored(backend, filled(2 * MIB, 2));
        settled(backend);
        backend.load(small);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(filled(2 * MIB, 2), backend.load(large).orElseThrow().attributes().get("cart"));
        }
        assertEquals(1, cache(backend).size(), "the small one is still kept; the large one never was");
        assertTrue(cache(backend).bytes() < 2000 + RedisNearCache.SESSION_OVERHEAD + RedisNearCache.ATTRIBUTE_OVERHEAD + 200,
                cache(backend).bytes() + " bytes");
    }
}

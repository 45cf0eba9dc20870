package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

/**
 * The backend contract through Redis Sentinel (one master, one replica, one sentinel), then a
 * failover: the master is killed and the session written before is read from the promoted replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelSessionBackendTest extends SessionBackendContract {
    private static final String MASTER = "sessions";
    private static RedisServer master;
    private static RedisServer replica;
    private static RedisServer sentinel;

    @BeforeAll
    static void startSentinelSetup() throws Exception {
        Path dir = Files.createTempDirectory("redis-sentinel-test");
        master = RedisServer.persistent(dir);
        replica = RedisServer.persistent(dir, "--replicaof", "127.0.0.1", String.valueOf(master.port()));
        await("the replica to sync", () -> info(replica, "replication").contains("master_link_status:up"));
        sentinel = RedisServer.sentinel(dir, MASTER, master.port());
        await("the sentinel to see the replica", () -> {
            try (Jedis s = sentinel.admin()) {
                return s.sentinelReplicas(MASTER).size() == 1;
            }
        });
    }

    @AfterAll
    static void stopSentinelSetup() {
        for (RedisServer server : new RedisServer[] {sentinel, replica, master}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return RedisBackends.fromKeys(Map.of("SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS_MASTER", MASTER,
                "SESSION_REDIS", "127.0.0.1:" + sentinel.port()), keyPrefix);
    }

    /** What the master and its replica hold. */
    @Override
    protected String storeDump() {
        try (Jedis onMaster = master.admin(); Jedis onReplica = replica.admin()) {
            assertEquals(1, onMaster.waitReplicas(1, 5000), "the replica has what the master has");
            return RedisBackends.dump(onMaster) + RedisBackends.dump(onReplica);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: it leaves the replica as the master
    void aSessionWrittenBeforeAFailoverIsReadAfterIt() {
        SessionBackend backend = backend();
        // another server, with the near cache: the failover must empty it
        SessionBackend cached = RedisBackends.fromKeys(Map.of("SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS_MASTER", MASTER,
                "SESSION_REDIS", "127.0.0.1:" + sentinel.port(), "SESSION_REDIS_NEAR_CACHE", "true"), "session:");
        RedisNearCache nearCache = RedisNearCacheTest.cache(cached);
        String id = IDS.generate();
        assertTrue(backend.apply(id, create(Map.of("user", bytes("alice")), inMinutes(30))));
        try (Jedis admin = master.admin()) {
            assertEquals(1, admin.waitReplicas(1, 5000), "the replica acknowledged the write");
        }
        await("the near cache to serve", nearCache::isServing);
        long written = System.nanoTime();
        await("the write's invalidation", () -> nearCache.inStepAt() - written > 0);
        cached.load(id);
        long hits = nearCache.hits();
        assertEquals(Set.of("user"), cached.load(id).orElseThrow().attributes().keySet());
        assertEquals(hits + 1, nearCache.hits(), "the session came from memory before the failover");

        master.kill();
        await("the sentinel to promote the replica", () -> {
            try (Jedis s = sentinel.admin()) {
                return s.sentinelGetMasterAddrByName(MASTER).get(1).equals(String.valueOf(replica.port()));
            }
        });

        Optional<StoredSession> after = loadWhenServed(backend, id);
        assertArrayEquals(bytes("alice"), after.orElseThrow().attributes().get("user"));
        assertTrue(backend.apply(id, change(Map.of("role", bytes("admin")), Set.of(), inMinutes(30))),
                "the new master takes writes");
        assertEquals(Set.of("user", "role"), backend.load(id).orElseThrow().attributes().keySet());
        // the cached server heard no invalidation for that write (its connection went with the old master)
        assertEquals(Set.of("user", "role"), loadWhenServed(cached, id).orElseThrow().attributes().keySet());
        await("the near cache to serve again, from the new master", nearCache::isServing);
        assertTrue(nearCache.drops() >= 1);
        assertTrue(backend.apply(id, change(Map.of("step", bytes("3")), Set.of(), inMinutes(30))));
        await("the new master's invalidations to reach the near cache",
                () -> cached.load(id).orElseThrow().attributes().containsKey("step"));
        cached.close();
    }

    /** Requests fail with 503 until the client has heard of the new master, then succeed. */
    private static Optional<StoredSession> loadWhenServed(SessionBackend backend, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return backend.load(id);
            } catch (SessionStoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                RedisServer.sleep(200);
            }
        }
    }

    private static String info(RedisServer server, String section) {
        try (Jedis admin = server.admin()) {
            return admin.info(section);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not answering yet
            }
            RedisServer.sleep(100);
        }
        throw new AssertionError("waited 30 s for " + what);
    }
}

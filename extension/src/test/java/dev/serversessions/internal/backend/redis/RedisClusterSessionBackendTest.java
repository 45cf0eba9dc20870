package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.testsupport.RedisCluster;
import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The backend contract through a three-master Redis Cluster. */
class RedisClusterSessionBackendTest extends SessionBackendContract {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new RedisCluster(Files.createTempDirectory("redis-cluster-test"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return RedisBackends.fromKeys(Map.of("SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", cluster.seeds()), keyPrefix);
    }

    /** What every node of the cluster holds. */
    @Override
    protected String storeDump() {
        StringBuilder dump = new StringBuilder();
        for (dev.serversessions.testsupport.RedisServer node : cluster.nodes()) {
            try (redis.clients.jedis.Jedis admin = node.admin()) {
                dump.append(RedisBackends.dump(admin));
            }
        }
        return dump.toString();
    }

    @Test
    void sessionsSpreadOverTheMastersOneKeyEach() {
        SessionBackend backend = backend();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1"), "b", bytes("2")), inMinutes(5)));
            slots.add(JedisClusterCRC16.getSlot("session:" + id) * 3 / 16384);
        }
        assertEquals(Set.of(0, 1, 2), slots, "each third of the slots (one master each) holds sessions");
    }

    /** SESSION_LOCKING: a session's lock lives in its slot, so one node answers for both. */
    @Test
    void aSessionsLockIsInTheSessionsSlotAndHeldAcrossClients() {
        RedisSessionBackend backend = (RedisSessionBackend) backend();
        SessionBackend other = backend();
        for (String prefix : new String[] {"session:", "shop{eu}:"}) {
            RedisSessionBackend prefixed = (RedisSessionBackend) backend(prefix);
            for (int i = 0; i < 50; i++) {
                String id = IDS.generate();
                assertEquals(JedisClusterCRC16.getSlot(prefix + id), JedisClusterCRC16.getSlot(prefixed.lockKey(id)), prefix + id);
            }
        }
        String id = IDS.generate();
        assertTrue(backend.tryLock(id, "here", java.time.Duration.ofSeconds(30)));
        assertFalse(other.tryLock(id, "there", java.time.Duration.ofSeconds(30)));
        assertTrue(backend.unlock(id, "here"));
    }

    @Test
    void changeIdMovesASessionToAnotherSlot() {
        SessionBackend backend = backend();
        String oldId = IDS.generate();
        String newId = IDS.generate();
        while (JedisClusterCRC16.getSlot("session:" + newId) == JedisClusterCRC16.getSlot("session:" + oldId)) {
            newId = IDS.generate();
        }
        backend.apply(oldId, create(Map.of("user", bytes("alice")), inMinutes(30)));

        assertTrue(backend.changeId(oldId, newId));

        assertEquals(Optional.empty(), backend.load(oldId));
        var moved = backend.load(newId).orElseThrow();
        assertArrayEquals(bytes("alice"), moved.attributes().get("user"));
        assertAbout(inMinutes(30), moved.expires());
        assertFalse(backend.changeId(oldId, IDS.generate()), "a vanished session cannot be moved");
    }

    @Test
    void sessionsComeBackAfterEveryNodeIsKilledAndRestarted() throws Exception {
        SessionBackend backend = backend();
        List<String> ids = new java.util.ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 40; i++) {
            String id = IDS.generate();
            ids.add(id);
            backend.apply(id, create(Map.of("n", bytes(String.valueOf(i))), inMinutes(30)));
        }
        // fill every node's pool with connections that the kill will leave dead
        for (Future<?> f : pool.invokeAll(ids.stream().map(id -> (Callable<Object>) () -> backend.load(id)).toList())) {
            f.get();
        }
        pool.shutdown();

        cluster.killAll();
        try {
            assertThrows(SessionStoreUnavailableException.class, () -> backend.load(ids.get(0)));
        } finally {
            cluster.restartAll();
        }

        for (int i = 0; i < ids.size(); i++) {
            assertArrayEquals(bytes(String.valueOf(i)), backend.load(ids.get(i)).orElseThrow().attributes().get("n"));
        }
    }

    @Test
    void aClusterThatIsDownFailsNoDeploymentAndIsReported() {
        int a = RedisServer.freePort();
        int b = RedisServer.freePort();
        SessionBackend backend = backend(List.of(a, b));
        SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class,
                () -> backend.load(IDS.generate()));
        assertNotEquals(-1, e.getMessage().indexOf("redis cluster 127.0.0.1:" + a + ",127.0.0.1:" + b), e.getMessage());
    }

    private SessionBackend backend(List<Integer> ports) {
        return RedisBackends.fromKeys(Map.of("SESSION_REDIS_MODE", "cluster", "SESSION_REDIS",
                String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList())), "session:");
    }

    /** One script cannot reach an expiry index and a session of another slot. */
    @Override
    protected boolean claimsExpired() {
        return false;
    }
}

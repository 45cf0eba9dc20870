package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RedisCluster;
import dev.serversessions.it.support.StoreOutage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/** SPEC §4 through a three-master Redis Cluster (SESSION_REDIS_MODE=cluster). */
class RedisClusterSessionIT extends SessionSemanticsContract implements SessionLockingContract {
    private static RedisCluster cluster;
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        cluster = new RedisCluster(PayaraMicro.workDir().resolve("redis-cluster-" + System.nanoTime()));
        server = PayaraMicro.start("redis-cluster", Map.of("SESSION_TYPE", "redis",
                "SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", cluster.seeds(),
                "SESSION_REDIS_TIMEOUT_MS", "2000"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** SESSION_REDIS_TIMEOUT_MS. */
    @Override
    protected long storeTimeoutMillis() {
        return 2000;
    }

    @Override
    protected PayaraMicro server() {
        return server;
    }

    /** Every node is killed, then started again with its append-only file and nodes.conf. */
    @Override
    protected StoreOutage outage() {
        return new StoreOutage() {
            @Override
            public void begin() {
                cluster.killAll();
            }

            @Override
            public void end() {
                cluster.restartAll();
            }
        };
    }

    @Test
    void sessionsOfManyBrowsersSpreadOverEveryMaster() {
        Set<Integer> thirds = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Browser browser = browser();
            assertEquals(204, browser.put("/api/session/n", String.valueOf(i)).status());
            thirds.add(JedisClusterCRC16.getSlot("session:" + browser.cookie().orElseThrow()) * 3 / 16384);
            assertEquals(String.valueOf(i), attribute(browser, "n"));
        }
        assertTrue(thirds.size() == 3, "sessions on each master: " + thirds);
    }
}

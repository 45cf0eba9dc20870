package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.RedisCluster;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/** SPEC §4 through a three-master Redis Cluster (SESSION_REDIS_MODE=cluster). */
class RedisClusterSessionIT extends SessionSemanticsContract implements StoreLockContract {
    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new RedisCluster(PayaraMicro.workDir().resolve("redis-cluster-" + System.nanoTime()));
        startServer(PayaraMicro::start, "redis-cluster", Map.of("SESSION_TYPE", "redis",
                "SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", cluster.seeds(),
                "SESSION_REDIS_TIMEOUT_MS", "2000"), cluster);
    }

    /** SESSION_REDIS_TIMEOUT_MS. */
    @Override
    protected long storeTimeoutMillis() {
        return 2000;
    }

    /** Every node is killed, then started again with its append-only file and nodes.conf. */
    @Override
    protected StoreOutage outage() {
        return StoreOutage.of(cluster::killAll, cluster::restartAll);
    }

    @Test
    void sessionsOfManyBrowsersSpreadOverEveryMaster() {
        Set<Integer> thirds = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Browser browser = browser();
            assertEquals(204, browser.put("/api/session/n", String.valueOf(i)).status());
            thirds.add(JedisClusterCRC16.getSlot(PrivateIds.key("session:", browser.cookie().orElseThrow())) * 3 / 16384);
            assertEquals(String.valueOf(i), attribute(browser, "n"));
        }
        assertTrue(thirds.size() == 3, "sessions on each master: " + thirds);
    }

    /** One script cannot reach an expiry index and a session of another slot: not on Redis Cluster. */
    @Override
    protected boolean announcesExpiry() {
        return false;
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@code SESSION_REDIS_MODE=sentinel} in real runtimes: Payara Micro and WildFly find the master
 * through one Sentinel and share its sessions, and Jedis's own log lines (SLF4J) reach each
 * runtime's log: WildFly's own SLF4J, and on Payara the {@code slf4j-jdk14} binding the WAR
 * carries (docs/stores.md, "The store clients' own log lines").
 */
class RedisSentinelIT {
    private static final String MASTER = "sessions-master";
    private static RedisServer master;
    private static RedisServer sentinel;
    private static PayaraMicro payara;
    private static WildFlyServer wildfly;

    @BeforeAll
    static void start() {
        master = RedisServer.persistent(PayaraMicro.workDir());
        sentinel = RedisServer.sentinel(PayaraMicro.workDir(), MASTER, master.port());
        Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS_MODE", "sentinel",
                "SESSION_REDIS_MASTER", MASTER, "SESSION_REDIS", "redis://127.0.0.1:" + sentinel.port());
        payara = PayaraMicro.start("sentinel", env);
        wildfly = WildFlyServer.start("sentinel", env);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {payara, wildfly, sentinel, master}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // the others are stopped all the same
            }
        }
    }

    @Test
    void bothRuntimesFindTheMasterThroughTheSentinelAndShareItsSessions() {
        Browser browser = new Browser(payara);
        assertEquals(204, browser.put("/api/session/seen", "on-payara").status());
        assertTrue(browser.on(wildfly).get("/api/session").body().contains("on-payara"));
        try (Jedis admin = master.admin()) {
            assertEquals(1, admin.keys("*").stream().filter(k -> k.contains(PrivateIds.of(browser.cookie().orElseThrow()))).count(),
                    "the session is on the master the sentinel named");
        }
    }

    @Test
    void jedisLogsReachTheRuntimesOwnLog() throws InterruptedException {
        String line = "Created connection pool to master at 127.0.0.1:" + master.port();
        for (AppServer server : new AppServer[] {payara, wildfly}) {
            // the backend connects at the first request that touches a session
            assertEquals(204, new Browser(server).put("/api/session/log", "1").status());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!server.log().contains(line) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            String log = server.log();
            assertTrue(log.contains(line), "Jedis's INFO line in the log of " + server + ":\n" + tail(log));
            assertFalse(log.contains("No SLF4J providers were found"), tail(log));
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.LibertyServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Open Liberty and GlassFish serving the same application from one Redis: a session created
 * on one is read and changed on the other, logins included (Jakarta Security on both).
 */
class LibertyAndGlassFishShareOneRedisIT extends SharedStoreContract {
    private static RedisServer redis;
    private static LibertyServer liberty;
    private static GlassFishServer glassFish;

    @BeforeAll
    static void start() {
        redis = RedisServer.persistent(PayaraMicro.workDir());
        Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(),
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test");
        liberty = LibertyServer.start("mixed-redis-liberty", env);
        glassFish = GlassFishServer.start("mixed-redis-glassfish", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {liberty, glassFish}) {
            if (server != null) {
                server.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected AppServer a() {
        return liberty;
    }

    @Override
    protected AppServer b() {
        return glassFish;
    }
}

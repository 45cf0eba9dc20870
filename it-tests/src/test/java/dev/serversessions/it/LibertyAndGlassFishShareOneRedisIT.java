package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.LibertyServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * Open Liberty and GlassFish serving the same application from one Redis: a session created
 * on one is read and changed on the other, logins included (Jakarta Security on both).
 */
class LibertyAndGlassFishShareOneRedisIT extends SharedRedisContract {
    @BeforeAll
    static void start() {
        startOnRedis(LibertyServer::start, GlassFishServer::start, "liberty-glassfish-redis",
                Map.of("SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test"));
    }
}

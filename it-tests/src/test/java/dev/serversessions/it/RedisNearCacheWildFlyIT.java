package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** The Redis near cache on two WildFly servers. */
class RedisNearCacheWildFlyIT extends RedisNearCacheContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start, WildFlyServer::start);
    }
}

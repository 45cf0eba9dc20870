package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** The Redis near cache with WildFly as B, the server whose cache every test checks, and Payara Micro as A. */
class RedisNearCacheWildFlyIT extends RedisNearCacheContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start, WildFlyServer::start);
    }
}

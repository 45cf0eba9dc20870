package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and Redis' own view of it, in WildFly. */
class RedisSessionWildFlyIT extends RedisSessionContract implements SessionLockingContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start);
    }
}

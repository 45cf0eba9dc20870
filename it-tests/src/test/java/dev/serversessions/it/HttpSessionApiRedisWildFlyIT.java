package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on Redis, in WildFly. */
class HttpSessionApiRedisWildFlyIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start, redis());
    }
}

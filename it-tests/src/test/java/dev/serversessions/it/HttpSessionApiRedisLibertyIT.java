package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on Redis, in Open Liberty. */
class HttpSessionApiRedisLibertyIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(LibertyServer::start, redis());
    }
}

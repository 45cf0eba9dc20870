package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on Redis, in GlassFish. */
class HttpSessionApiRedisGlassFishIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(GlassFishServer::start, redis());
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and Redis' own view of it, in GlassFish. */
class RedisSessionGlassFishIT extends RedisSessionContract {
    @BeforeAll
    static void start() {
        start(GlassFishServer::start);
    }
}

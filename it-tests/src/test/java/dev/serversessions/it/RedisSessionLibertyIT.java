package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and Redis' own view of it, in Open Liberty. */
class RedisSessionLibertyIT extends RedisSessionContract {
    @BeforeAll
    static void start() {
        start(LibertyServer::start);
    }
}

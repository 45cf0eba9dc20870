package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and MongoDB's own view of it, in WildFly. */
class MongoSessionWildFlyIT extends MongoSessionContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start);
    }
}

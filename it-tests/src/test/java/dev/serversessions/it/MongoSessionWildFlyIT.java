package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * SPEC §4 and MongoDB's own view of it, in WildFly, deployed while MongoDB is down (one WildFly
 * per class: the deployment during an outage needs no second server here).
 */
class MongoSessionWildFlyIT extends MongoSessionContract {
    @BeforeAll
    static void start() {
        startWhileMongoIsDown(WildFlyServer::start);
    }
}

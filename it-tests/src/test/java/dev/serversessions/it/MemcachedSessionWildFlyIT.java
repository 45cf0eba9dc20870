package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on memcached, plus its own command counts, in WildFly. */
class MemcachedSessionWildFlyIT extends MemcachedSessionContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start);
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.MemcachedServer;
import dev.serversessions.testsupport.PrivateIds;
import org.junit.jupiter.api.BeforeAll;

/**
 * spymemcached and the memcached backend in WildFly's module class loading; the memcached
 * contract itself runs on Payara Micro ({@link MemcachedSessionIT}).
 */
class MemcachedSessionWildFlyIT extends StoreInRuntimeContract {
    private static MemcachedServer memcached;

    @BeforeAll
    static void start() {
        memcached = MemcachedServer.start();
        startServer(WildFlyServer::start, "memcached", MemcachedSessionContract.env(memcached), memcached);
    }

    @Override
    protected boolean storeHolds(String sessionId) {
        return memcached.rawGet(PrivateIds.key("session:", sessionId)) != null;
    }
}

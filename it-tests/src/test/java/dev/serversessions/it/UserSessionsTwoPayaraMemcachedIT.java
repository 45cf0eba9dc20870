package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.MemcachedServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on two Payara Micro instances sharing one memcached. */
class UserSessionsTwoPayaraMemcachedIT extends UserSessionsContract {
    @BeforeAll
    static void start() {
        MemcachedServer memcached = MemcachedServer.start();
        startWithLimit(PayaraMicro::start, PayaraMicro::start, "owners-memcached", Map.of("SESSION_TYPE", "memcached",
                "SESSION_MEMCACHED", memcached.address(), "SESSION_MEMCACHED_TIMEOUT_MS", "1000"), memcached);
    }

    /** memcached cannot list its keys, nor what expired among them. */
    @Override
    protected boolean announcesExpiry() {
        return false;
    }
}

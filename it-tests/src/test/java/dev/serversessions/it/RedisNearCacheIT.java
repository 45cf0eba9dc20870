package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** The Redis near cache on two Payara Micro instances. */
class RedisNearCacheIT extends RedisNearCacheContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start, PayaraMicro::start);
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and Redis' own view of it, in Payara Micro. */
class RedisSessionIT extends RedisSessionContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start);
    }
}

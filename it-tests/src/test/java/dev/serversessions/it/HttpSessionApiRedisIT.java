package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on Redis, in Payara Micro. */
class HttpSessionApiRedisIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start, redis());
    }
}

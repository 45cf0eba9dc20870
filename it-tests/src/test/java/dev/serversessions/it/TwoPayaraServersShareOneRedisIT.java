package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** Two Payara Micro instances on different ports sharing one Redis. */
class TwoPayaraServersShareOneRedisIT extends SharedRedisContract {
    @BeforeAll
    static void start() {
        startOnRedis(PayaraMicro::start, PayaraMicro::start, "redis", Map.of());
    }
}

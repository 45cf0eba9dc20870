package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on two Payara Micro instances sharing one Redis. */
class UserSessionsTwoPayaraRedisIT extends UserSessionsContract {
    @BeforeAll
    static void start() {
        RedisServer redis = RedisServer.persistent(PayaraMicro.workDir());
        startPair(PayaraMicro::start, PayaraMicro::start, "owners-redis",
                Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port()), redis);
    }
}

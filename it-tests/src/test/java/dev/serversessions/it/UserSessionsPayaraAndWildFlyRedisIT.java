package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on Payara Micro and WildFly sharing one Redis, with signed caller records. */
class UserSessionsPayaraAndWildFlyRedisIT extends UserSessionsContract {
    @BeforeAll
    static void start() {
        RedisServer redis = RedisServer.persistent(PayaraMicro.workDir());
        startWithLimit(PayaraMicro::start, WildFlyServer::start, "owners-mixed-redis",
                Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(),
                        "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test"), redis);
    }
}

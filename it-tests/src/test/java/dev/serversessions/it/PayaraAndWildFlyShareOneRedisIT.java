package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RedisServer;
import dev.serversessions.it.support.WildFlyServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Payara Micro and WildFly serving the same application from one Redis. */
class PayaraAndWildFlyShareOneRedisIT extends SharedStoreContract {
    private static RedisServer redis;
    private static PayaraMicro payara;
    private static WildFlyServer wildFly;

    @BeforeAll
    static void start() {
        redis = RedisServer.persistent(PayaraMicro.workDir());
        Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port());
        payara = PayaraMicro.start("mixed-redis-payara", env);
        wildFly = WildFlyServer.start("mixed-redis-wildfly", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {payara, wildFly}) {
            if (server != null) {
                server.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected AppServer a() {
        return payara;
    }

    @Override
    protected AppServer b() {
        return wildFly;
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two Payara Micro instances on different ports sharing one Redis. */
class TwoPayaraServersShareOneRedisIT extends SharedStoreContract {
    private static RedisServer redis;
    private static PayaraMicro a;
    private static PayaraMicro b;

    @BeforeAll
    static void start() {
        redis = RedisServer.persistent(PayaraMicro.workDir());
        Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port());
        a = PayaraMicro.start("redis-a", env);
        b = PayaraMicro.start("redis-b", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {a, b}) {
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
        return a;
    }

    @Override
    protected AppServer b() {
        return b;
    }
}

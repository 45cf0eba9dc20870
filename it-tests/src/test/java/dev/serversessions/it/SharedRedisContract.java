package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.RuntimeServer;
import dev.serversessions.testsupport.RedisServer;
import java.util.HashMap;
import java.util.Map;

/** {@link SharedStoreContract} on a Redis of the class's own (persistent), for any two runtimes. */
abstract class SharedRedisContract extends SharedStoreContract {
    private static RedisServer redis;

    /**
     * Starts a Redis, then node A with {@code runtimeA} and node B with {@code runtimeB} on it;
     * {@code moreEnv} adds settings (e.g. {@code SESSION_SECRET_KEY}).
     */
    protected static void startOnRedis(AppServer.Launcher runtimeA, AppServer.Launcher runtimeB, String name,
                                       Map<String, String> moreEnv) {
        redis = RedisServer.persistent(RuntimeServer.workDir());
        Map<String, String> env = new HashMap<>(moreEnv);
        env.put("SESSION_TYPE", "redis");
        env.put("SESSION_REDIS", "redis://127.0.0.1:" + redis.port());
        startPair(runtimeA, runtimeB, name, env, redis);
    }

    /** The Redis both nodes use. */
    protected static RedisServer redis() {
        return redis;
    }
}

package dev.serversessions.internal.backend.redis;

import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A persistent redis-server of its own for one test class, as a static {@code @RegisterExtension}:
 * started before the class's first test, stopped after its last.
 */
final class RedisForTheClass implements BeforeAllCallback, AfterAllCallback {
    private RedisServer redis;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        redis = RedisServer.persistent(Files.createTempDirectory(context.getRequiredTestClass().getSimpleName()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
    }

    int port() {
        return redis.port();
    }
}

package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.ConcurrentWaits;
import dev.serversessions.internal.backend.SilentServer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cluster or sentinel client asks its seeds for the topology one after another, each up to
 * the timeout: against three silent seeds one build takes three timeouts. The requests that
 * arrive meanwhile must not queue behind it (or behind builds of their own, one after another):
 * each gets its 503 within its own timeout.
 */
class RedisClientBuildTest {
    private static final long TIMEOUT_MS = 500;
    /** Scheduling of 20 threads on a busy two-core machine; far below one more build (1.5 s). */
    private static final long MARGIN_MS = 1000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cluster", "sentinel"})
    void requestsArrivingDuringASlowClientBuildEachGiveUpWithinTheirTimeout(String mode) throws Exception {
        try (SilentServer a = new SilentServer(); SilentServer b = new SilentServer(); SilentServer c = new SilentServer()) {
            SessionBackend backend = RedisBackends.fromKeys(Map.of("SESSION_REDIS_MODE", mode, "SESSION_REDIS_MASTER", "mymaster",
                    "SESSION_REDIS", "redis://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port() + ",127.0.0.1:" + c.port(),
                    "SESSION_REDIS_TIMEOUT_MS", String.valueOf(TIMEOUT_MS)), "session:");
            try {
                List<Long> millis = ConcurrentWaits.failedLoads(backend, 20);
                long slowest = Collections.max(millis);
                System.out.println(mode + " client build against silent seeds: 20 requests, slowest 503 after " + slowest + " ms");
                assertTrue(slowest <= TIMEOUT_MS + MARGIN_MS, "a request waited " + slowest + " ms: " + millis);
            } finally {
                backend.close();
            }
        }
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.WildFlyServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis near cache on two WildFly servers, whose OpenTelemetry SDK logs its metrics once a
 * second (as {@link MetricsWildFlyIT} explains, WildFly has no endpoint for them).
 */
class RedisNearCacheWildFlyIT extends RedisNearCacheContract {
    @BeforeAll
    static void start() {
        // exported every 400 ms: each read of the counts waits for the export after the next
        // one, and the contract reads them until a session is seen served from memory
        AppServer.Launcher withMetricsLogged = (name, env) -> {
            Map<String, String> keys = new HashMap<>(env);
            keys.putAll(Map.of("OTEL_SDK_DISABLED", "false", "OTEL_METRICS_EXPORTER", "logging", "OTEL_TRACES_EXPORTER", "none",
                    "OTEL_LOGS_EXPORTER", "none", "OTEL_METRIC_EXPORT_INTERVAL", "400"));
            return WildFlyServer.start(name, keys);
        };
        start(withMetricsLogged, withMetricsLogged);
    }

    @Override
    protected long nearCacheLookups(AppServer server, String result) throws InterruptedException {
        return MetricsWildFlyIT.LoggedExport.next(server).counter("serversessions.near_cache.lookups", "result=\"" + result + "\"");
    }
}

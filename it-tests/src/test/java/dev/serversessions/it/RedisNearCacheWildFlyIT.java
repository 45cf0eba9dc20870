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
        AppServer.Launcher withMetricsLogged = (name, env) -> {
            Map<String, String> keys = new HashMap<>(env);
            keys.putAll(Map.of("OTEL_SDK_DISABLED", "false", "OTEL_METRICS_EXPORTER", "logging", "OTEL_TRACES_EXPORTER", "none",
                    "OTEL_LOGS_EXPORTER", "none", "OTEL_METRIC_EXPORT_INTERVAL", "1000"));
            return WildFlyServer.start(name, keys);
        };
        start(withMetricsLogged, withMetricsLogged);
    }

    @Override
    protected long nearCacheLookups(AppServer server, String result) throws InterruptedException {
        return MetricsWildFlyIT.LoggedExport.next(server).counter("serversessions.near_cache.lookups", "result=\"" + result + "\"");
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.GlassFishServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GlassFish 7 has neither MicroProfile Metrics nor OpenTelemetry: sessions work as without
 * metrics, the log says so once, and no class of either API is looked for beyond the check.
 */
class MetricsGlassFishIT {

    @Test
    void withoutEitherApiSessionsWorkAndTheLogSaysNoMetrics() {
        try (GlassFishServer server = GlassFishServer.start("metrics", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", MetricsContract.newSessionDirectory().toString()))) {
            Browser browser = new Browser(server);
            assertEquals(204, browser.put("/api/session/a", "kept").status());
            assertEquals(204, browser.post("/api/session/regenerate").status());
            Browser.Response read = browser.get("/api/session");
            assertEquals(200, read.status());
            assertTrue(read.body().contains("\"kept\""), read.body());
            assertEquals(204, browser.post("/api/session/invalidate").status());

            String log = server.log();
            assertTrue(log.contains("report no metrics (the runtime has neither MicroProfile Metrics nor OpenTelemetry)"),
                    "the log says which API the metrics use:\n" + log);
            assertFalse(log.contains("NoClassDefFoundError") || log.contains("Session metrics through"), log);
        }
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Payara Micro 6 has MicroProfile Metrics 5: the library's metrics are in the application
 * registry, scraped from Payara's own {@code /metrics} in the Prometheus format.
 */
class MetricsPayaraIT extends MetricsContract {
    private static Path directory;
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = PayaraMicro.start("metrics", Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString(),
                "SESSION_REFRESH_THRESHOLD", "1"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected PayaraMicro server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }

    @Override
    protected Snapshot scrape() {
        Browser.Response response = new Browser(server).get("/metrics");
        assertEquals(200, response.status(), response.body());
        return new PrometheusText(response.body());
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /**
     * Durations are seconds: {@code _sum} over {@code _count} is a plausible save. (Payara writes
     * the same timer's quantiles, mean and maximum in nanoseconds: README "Metrics".)
     */
    @Test
    void durationsAreSeconds() {
        assertEquals(204, new Browser(server).put("/api/session/timed", "1").status());
        PrometheusText metrics = new PrometheusText(new Browser(server).get("/metrics").body());
        double sum = metrics.value("db_client_operation_duration_seconds_sum", "save");
        double count = metrics.value("db_client_operation_duration_seconds_count", "save");
        assertTrue(count >= 1 && sum / count > 0 && sum / count < 60, "a save takes milliseconds, written in seconds: sum " + sum
                + ", count " + count + "\n" + metrics);
    }

    @Override
    protected Snapshot scrape() {
        Browser.Response response = new Browser(server).get("/metrics");
        assertEquals(200, response.status(), response.body());
        return new PrometheusText(response.body());
    }
}

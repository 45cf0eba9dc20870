package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** Durations are in seconds, quantiles and maximum too (a timer declared in seconds had them in nanoseconds). */
    @Test
    void durationsAreSeconds() {
        assertEquals(204, new Browser(server).put("/api/session/timed", "1").status());
        String text = new Browser(server).get("/metrics").body();
        Matcher line = Pattern.compile("(?m)^db_client_operation_duration_seconds(_max)?\\{([^}]*db_operation_name=\"save\"[^}]*)}\\s+(\\S+)")
                .matcher(text);
        int seen = 0;
        while (line.find()) {
            seen++;
            double seconds = Double.parseDouble(line.group(3));
            assertTrue(seconds > 0 && seconds < 60, "a save of a few milliseconds, in seconds: " + line.group());
        }
        assertTrue(seen >= 2, "quantiles and maximum of the saves:\n" + new PrometheusText(text));
    }

    @Override
    protected Snapshot scrape() {
        Browser.Response response = new Browser(server).get("/metrics");
        assertEquals(200, response.status(), response.body());
        return new PrometheusText(response.body());
    }
}

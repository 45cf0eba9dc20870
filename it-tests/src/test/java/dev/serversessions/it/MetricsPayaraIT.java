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
     * Without {@code SESSION_SECRET_KEY} (this class's server has none), {@code @ConversationScoped}
     * beans stay in the container's session, as they would without the library: Weld's objects
     * could be sealed only with a key of this process. One line at deployment says why; the
     * conversation works, on the container's {@code JSESSIONID}.
     */
    @Test
    void withoutASecretKeyAConversationStaysInTheContainersSession() {
        assertTrue(server.log().contains("@ConversationScoped beans [dev.serversessions.it.probe.ConversationCounter] stay in"
                + " the container's session: SESSION_SECRET_KEY is not set"), "no line says where conversations live");
        Browser browser = new Browser(server);
        Browser.Response begun = browser.post("/beans/conversation");
        assertEquals(200, begun.status(), begun.body());
        assertTrue(begun.setsContainerSessionCookie(), begun.allSetCookies().toString());
        assertEquals("1", browser.post("/beans/conversation?cid=" + begun.body()).body());
        assertEquals("2", browser.post("/beans/conversation?cid=" + begun.body()).body());
    }

    /**
     * Durations are seconds: {@code _sum} over {@code _count} is a plausible save. (Payara writes
     * the same timer's quantiles, mean and maximum in nanoseconds: docs/operations.md "Metrics".)
     */
    @Test
    void durationsAreSeconds() {
        PrometheusText before = prometheus();
        Browser browser = new Browser(server);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertEquals(204, browser.put("/api/session/timed", String.valueOf(i)).status());
        }
        double requestsSeconds = (System.nanoTime() - start) / 1e9;
        PrometheusText after = prometheus();
        double sum = after.value("db_client_operation_duration_seconds_sum", "save")
                - before.value("db_client_operation_duration_seconds_sum", "save");
        double count = after.value("db_client_operation_duration_seconds_count", "save")
                - before.value("db_client_operation_duration_seconds_count", "save");
        assertEquals(5, count, 0.0, "each save timed once");
        // each save ran inside its request: in seconds the saves sum to less than the requests
        // took; in milliseconds (or anything finer) they would sum to a thousand times more
        assertTrue(sum > 0 && sum < requestsSeconds, "five saves timed at " + sum + " in all, while their five requests took "
                + requestsSeconds + " s\n" + after);
    }

    @Override
    protected Snapshot scrape() {
        return prometheus();
    }

    private static PrometheusText prometheus() {
        Browser.Response response = new Browser(server).get("/metrics");
        assertEquals(200, response.status(), response.body());
        return new PrometheusText(response.body());
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The library's metrics as the runtime itself reports them (docs/operations.md "Metrics"), after known
 * requests through real HTTP: the store's calls, the request rules' events, 503s and
 * undecodable sessions. Filesystem store, refresh threshold 1 s so that a slide is due soon.
 */
abstract class MetricsContract {

    /** The runtime's view of the metrics, read after the requests so far. */
    protected interface Snapshot {
        /** A counter's value; 0 while the runtime has not reported it yet. */
        long counter(String name);

        /** How many values a histogram took, of the points whose attributes include {@code operation} (null: all). */
        long histogramCount(String name, String operation);
    }

    protected abstract AppServer server();

    protected abstract Path directory();

    /** Reads the metrics once the runtime reports everything up to now. */
    protected abstract Snapshot scrape() throws Exception;

    static Path newSessionDirectory() {
        return PayaraMicro.workDir().resolve("metrics-sessions-" + System.nanoTime());
    }

    @Test
    void countsAndTimesWhatRequestsDidToTheStore() throws Exception {
        Snapshot start = scrape();
        Browser browser = new Browser(server());
        for (int i = 1; i <= 5; i++) {
            assertEquals(204, browser.put("/api/session/a", "value-" + i).status());
        }
        Snapshot written = scrape();
        assertDelta(5, start, written, "serversessions.saves", "five writes, five saves");
        assertDelta(4, start, written, "serversessions.loads", "the first write had no cookie, the others loaded");
        assertDelta(0, start, written, "serversessions.slides", "a write is no slide");
        assertEquals(5, written.histogramCount("db.client.operation.duration", "save")
                - start.histogramCount("db.client.operation.duration", "save"), () -> "each save timed:\n" + written);
        assertEquals(4, written.histogramCount("db.client.operation.duration", "load")
                - start.histogramCount("db.client.operation.duration", "load"), () -> "each load timed:\n" + written);
        assertEquals(5, written.histogramCount("serversessions.size", null) - start.histogramCount("serversessions.size", null),
                () -> "the size of each saved session:\n" + written);

        Thread.sleep(1600); // past SESSION_REFRESH_THRESHOLD=1
        assertEquals(200, browser.get("/api/session").status());
        assertEquals(204, browser.post("/api/session/regenerate").status());
        assertEquals(204, browser.post("/api/session/invalidate").status());
        Snapshot ended = scrape();
        assertDelta(1, written, ended, "serversessions.slides", "the read after the threshold slid the expiry");
        assertDelta(1, written, ended, "serversessions.regenerations", "");
        assertDelta(1, written, ended, "serversessions.invalidations", "");
        assertDelta(1, written, ended, "serversessions.deletes", "");
        assertDelta(0, written, ended, "serversessions.saves", "nothing was changed");

        Browser other = new Browser(server());
        assertEquals("put", other.get("/probe/put?name=user&value=alice").body());
        assertEquals("corrupted", other.get("/probe/corrupt").body());
        assertEquals("null", other.get("/probe/read?name=broken").body());
        Path parked = directory().resolveSibling(directory().getFileName() + "-parked");
        Files.deleteIfExists(directory().resolve(".lock"));
        Files.move(directory(), parked);
        Files.writeString(directory(), "not a directory: the store is unavailable");
        try {
            assertEquals(503, browser.put("/api/session/b", "1").status());
        } finally {
            Files.delete(directory()); // the store is back for the other tests
            Files.move(parked, directory());
        }
        Snapshot failed = scrape();
        assertDelta(1, ended, failed, "serversessions.undecodable", "");
        assertDelta(1, ended, failed, "serversessions.unavailable", "one 503");
        assertDelta(1, start, failed, "serversessions.unavailable", "no 503 before the outage");
        System.out.println("What the runtime reported at the end (docs/operations.md \"Metrics\" shows these names):\n" + failed);
    }

    private static void assertDelta(long expected, Snapshot before, Snapshot after, String counter, String why) {
        assertEquals(expected, after.counter(counter) - before.counter(counter), () -> counter + " " + why + ":\n" + after);
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import jakarta.json.Json;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sessionDestroyed} on expiry through the example's {@code GET /api/session-events}: the
 * tags of the sessions whose destroyed listeners ran on a server. The promise: each expired
 * session once across all servers on the store, within 60 s with the default interval (the
 * test servers sweep every second).
 */
final class ExpiryEvents {
    /** The promise with default settings; a test server, sweeping every second, takes a few. */
    static final long BOUND_SECONDS = 60;

    private ExpiryEvents() {
    }

    /** A new session on {@code server} holding {@code tag}, expiring after {@code seconds} of inactivity. */
    static void shortLivedSession(AppServer server, String tag, int seconds) {
        Response response = new Browser(server).get("/probe/short-lived?name=tag&value=" + tag + "&seconds=" + seconds);
        assertEquals(200, response.status(), response.body());
    }

    /** The tags whose sessions {@code server} announced as destroyed since it started, in order. */
    static List<String> destroyed(AppServer server) {
        Response response = new Browser(server).get("/api/session-events");
        assertEquals(200, response.status(), response.body());
        assertTrue(response.allSetCookies().isEmpty(), "reading the events sets no cookie: " + response.allSetCookies());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonArray("destroyed")
                .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /** The tags of all {@code servers}' lists together (a tag twice if two servers announced it). */
    static List<String> destroyedOnAny(Collection<AppServer> servers) {
        List<String> all = new ArrayList<>();
        servers.forEach(server -> all.addAll(destroyed(server)));
        return all;
    }

    /**
     * Waits until every one of {@code tags} was announced by one of {@code servers}, then for two
     * more sweeps (a second announcement of one of them would come in the same pass or the next:
     * the sweeping server holds its lease for two intervals), and asserts each tag once.
     */
    static void assertEachAnnouncedOnce(Collection<AppServer> servers, List<String> tags) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        List<String> seen = destroyedOnAny(servers);
        while (!seen.containsAll(tags) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = destroyedOnAny(servers);
        }
        if (!seen.containsAll(tags)) {
            List<String> missing = tags.stream().filter(tag -> !destroyedOnAny(servers).contains(tag)).toList();
            org.junit.jupiter.api.Assertions.fail("every expired session announced within " + BOUND_SECONDS + " s: " + missing
                    + " missing among " + seen + "\n" + diagnosis(servers));
        }
        Thread.sleep(2500);
        List<String> after = destroyedOnAny(servers);
        for (String tag : tags) {
            assertEquals(1, after.stream().filter(tag::equals).count(), () -> tag + " announced once, not " + after);
        }
    }

    /**
     * What a missing announcement needs to be understood: each server's log lines of the library's
     * periodic work and its timer thread's stack (a sweep that stopped, failed or hangs).
     */
    private static String diagnosis(Collection<AppServer> servers) {
        StringBuilder text = new StringBuilder();
        for (AppServer server : servers) {
            text.append("--- ").append(server).append(": log lines of the sweep\n");
            server.log().lines().filter(line -> line.contains("ExpirySweep") || line.contains("PeriodicWork")
                    || line.contains("xpired sessions")).forEach(line -> text.append(line).append('\n'));
            String dump = server.threadDump();
            int timer = dump.indexOf("\"server-sessions-timer\"");
            text.append("--- its timer thread:\n").append(timer < 0 ? "(none in the thread dump)\n"
                    : dump.substring(timer, Math.max(timer, dump.indexOf("\n\n", timer))));
        }
        return text.toString();
    }

    /** A tag no other test uses. */
    static String newTag(String what) {
        return what + "-" + Long.toHexString(System.nanoTime());
    }
}

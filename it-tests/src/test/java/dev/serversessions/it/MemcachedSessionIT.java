package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.MemcachedServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.StoreOutage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4 on memcached, plus what only memcached shows: its own command counts, node loss. */
class MemcachedSessionIT extends SessionSemanticsContract {
    private static final long TIMEOUT_MS = 1000;
    private static MemcachedServer memcached;
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        memcached = MemcachedServer.start();
        server = PayaraMicro.start("memcached", Map.of("SESSION_TYPE", "memcached",
                "SESSION_MEMCACHED", memcached.address(), "SESSION_MEMCACHED_TIMEOUT_MS", String.valueOf(TIMEOUT_MS)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (memcached != null) {
            memcached.close();
        }
    }

    @Override
    protected PayaraMicro server() {
        return server;
    }

    /**
     * memcached is killed (SIGKILL) and started again on the same port. It keeps nothing across
     * a restart: it is a cache, and the sessions stored before are gone, so keepsData is false.
     * The outage ends once the application's client has reconnected by itself, which it does
     * within about a second (memcached shows the connection).
     */
    @Override
    protected StoreOutage outage() {
        return new StoreOutage() {
            @Override
            public void begin() {
                memcached.kill();
            }

            @Override
            public void end() {
                memcached.restart();
                memcached.awaitClient();
            }

            @Override
            public boolean keepsData() {
                return false;
            }
        };
    }

    @Test
    void sessionsSurviveARestartOfTheApplicationServer() {
        Browser browser = browser();
        browser.put("/api/session/cart", "3 items");

        server.restart();

        assertEquals("3 items", attribute(browser, "cart"));
    }

    /**
     * memcached's own counters around one request of each kind; docs/memcached.md quotes what
     * this prints.
     */
    @Test
    void memcachedCommandsPerRequestKind() {
        Browser browser = browser();
        Map<String, Map<String, Long>> kinds = new LinkedHashMap<>();
        kinds.put("new session, first write (PUT, no cookie)", commands(() -> browser.put("/api/session/a", "1")));
        kinds.put("untouched (GET /probe/untouched)", commands(() -> browser.get("/probe/untouched")));
        kinds.put("read-only (GET /probe/read?name=a)", commands(() -> browser.get("/probe/read?name=a")));
        kinds.put("write (PUT /api/session/b)", commands(() -> browser.put("/api/session/b", "2")));
        kinds.put("regenerate (POST /api/session/regenerate)", commands(() -> browser.post("/api/session/regenerate")));
        kinds.put("invalidate (POST /api/session/invalidate)", commands(() -> browser.post("/api/session/invalidate")));

        System.out.println("| request | cmd_get | cmd_touch | cmd_set | deletes | commands |");
        System.out.println("|---|---|---|---|---|---|");
        kinds.forEach((kind, counts) -> System.out.println("| " + kind + " | " + counts.get("cmd_get") + " | " + counts.get("cmd_touch")
                + " | " + counts.get("cmd_set") + " | " + counts.get("deletes") + " | " + counts.get("commands") + " |"));

        assertEquals(0L, kinds.get("untouched (GET /probe/untouched)").get("commands"), "an untouched request sends memcached nothing");
        assertEquals(Map.of("cmd_get", 0L, "cmd_touch", 1L, "cmd_set", 1L, "deletes", 0L, "commands", 2L),
                kinds.get("read-only (GET /probe/read?name=a)"), "get-and-touch plus the appended expiry record");
        assertEquals(Map.of("cmd_get", 0L, "cmd_touch", 0L, "cmd_set", 1L, "deletes", 0L, "commands", 1L),
                kinds.get("new session, first write (PUT, no cookie)"), "one add");
        assertEquals(Map.of("cmd_get", 1L, "cmd_touch", 1L, "cmd_set", 2L, "deletes", 0L, "commands", 4L),
                kinds.get("write (PUT /api/session/b)"), "the sliding read, then gets and cas");
    }

    private static Map<String, Long> commands(Supplier<Response> request) {
        Map<String, Long> before = memcached.stats();
        Response response = request.get();
        assertTrue(response.status() < 400, response.status() + " " + response.body());
        Map<String, Long> after = memcached.stats();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String counter : List.of("cmd_get", "cmd_touch", "cmd_set")) {
            counts.put(counter, after.get(counter) - before.get(counter));
        }
        counts.put("deletes", after.get("delete_hits") + after.get("delete_misses") - before.get("delete_hits") - before.get("delete_misses"));
        counts.put("commands", counts.values().stream().mapToLong(Long::longValue).sum());
        return counts;
    }

    /**
     * Three nodes, a lifetime over 30 days, one node killed: the other nodes' sessions still
     * load, the dead node's sessions start fresh, and no request fails or waits out the timeout.
     */
    @Test
    void whenOneOfThreeNodesDiesOnlyItsSessionsStartFreshAndNoRequestFails() {
        List<MemcachedServer> nodes = new ArrayList<>();
        PayaraMicro cluster = null;
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(MemcachedServer.start());
            }
            cluster = PayaraMicro.start("memcached-nodes", Map.of("SESSION_TYPE", "memcached",
                    "SESSION_MEMCACHED", nodes.stream().map(MemcachedServer::address).collect(Collectors.joining(",")),
                    "SESSION_MEMCACHED_TIMEOUT_MS", String.valueOf(TIMEOUT_MS),
                    "PERMANENT_SESSION_LIFETIME", "3000000"));
            Map<Browser, MemcachedServer> home = new LinkedHashMap<>();
            for (int i = 0; i < 30; i++) {
                Browser browser = new Browser(cluster);
                Response put = browser.put("/api/session/owner", "b" + i);
                assertEquals(204, put.status(), put.body());
                assertTrue(put.setCookie().contains("Max-Age=3000000"), put.setCookie());
                String key = "session:" + browser.cookie().orElseThrow();
                home.put(browser, nodes.stream().filter(n -> n.rawGet(key) != null).findFirst()
                        .orElseThrow(() -> new AssertionError("no node holds " + key)));
                assertEquals("b" + i, attribute(browser, "owner"), "a session living over 30 days is readable");
            }
            MemcachedServer dead = nodes.get(1);
            assertTrue(home.containsValue(dead), "node 1 holds sessions");
            dead.kill();
            // A request already on its way to the node in the instant it dies can only time out
            // (503 within the timeout) until spymemcached sees the connection close; on a busy
            // machine that takes a moment. The checks below start once it has.
            Browser probe = home.entrySet().stream().filter(e -> e.getValue() == dead).map(Map.Entry::getKey)
                    .findFirst().orElseThrow().on(cluster);
            long noticeBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (Response attempt = probe.get("/api/session"); attempt.status() != 200; attempt = probe.get("/api/session")) {
                assertEquals(503, attempt.status(), attempt.body());
                assertTrue(System.nanoTime() < noticeBy, "the application never noticed the dead node");
            }

            long slowest = 0;
            for (Map.Entry<Browser, MemcachedServer> session : home.entrySet()) {
                Browser browser = session.getKey();
                String before = browser.cookie().orElseThrow();
                long start = System.nanoTime();
                Response read = browser.get("/api/session");
                slowest = Math.max(slowest, Duration.ofNanos(System.nanoTime() - start).toMillis());
                assertEquals(200, read.status(), read.body());
                if (session.getValue() == dead) {
                    assertEquals("{}", read.body(), "the dead node's session is gone: a fresh one starts");
                    Response put = browser.put("/api/session/owner", "again");
                    assertEquals(204, put.status(), put.body());
                    assertNotEquals(before, browser.cookie().orElseThrow(), "stored under a new id, on a live node");
                    assertEquals("again", attribute(browser, "owner"));
                } else {
                    assertTrue(read.body().contains("\"owner\""), "a live node's session still loads: " + read.body());
                }
            }
            assertTrue(slowest < TIMEOUT_MS, "slowest request took " + slowest + " ms");
            System.out.println("node killed: " + home.values().stream().filter(dead::equals).count() + " of " + home.size()
                    + " sessions started fresh, slowest request " + slowest + " ms");
            for (int i = 0; i < 10; i++) {
                Browser fresh = new Browser(cluster);
                assertEquals(204, fresh.put("/api/session/new", "yes").status());
                assertNotNull(fresh.cookie().orElse(null));
                assertEquals("yes", attribute(fresh, "new"));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            nodes.forEach(MemcachedServer::close);
        }
    }
}

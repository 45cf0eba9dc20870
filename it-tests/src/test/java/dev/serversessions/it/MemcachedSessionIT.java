package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.MemcachedServer;
import dev.serversessions.testsupport.PrivateIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on memcached in Payara Micro, plus node loss. Node loss is the client's behaviour, the
 * same in every runtime, and needs a second server of its own: it runs here only.
 */
class MemcachedSessionIT extends MemcachedSessionContract implements SessionScopedBeansContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start);
    }

    @Override
    public AppServer beanServer() {
        return server();
    }

    /**
     * Three nodes, a lifetime over 30 days, one node killed: the other nodes' sessions still
     * load, the dead node's sessions start fresh, no request waits out the timeout, no read fails,
     * and a write that answers 503 succeeds when the client retries it once.
     */
    @Test
    void whenOneOfThreeNodesDiesOnlyItsSessionsStartFreshAndNoWriteIsLost() throws Exception {
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
                String key = PrivateIds.key("session:", browser.cookie().orElseThrow());
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
                    Response put = putAllowingOneRetry(browser, "/api/session/owner", "again");
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
                assertEquals(204, putAllowingOneRetry(fresh, "/api/session/new", "yes").status());
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

    /**
     * A write, and once more if it answered 503. While spymemcached retries the dead node (every
     * second), a write now and then answered 503 within the timeout instead of 204 (seen in about
     * one suite run in eight, 2026-12-06, under the suite's load: the first of the ten new
     * sessions' writes after the kill): the client's retry is the remedy the 503 asks for, so the
     * test allows one and requires it to succeed; a 500, or a second 503, fails.
     */
    private static Response putAllowingOneRetry(Browser browser, String path, String value) throws InterruptedException {
        Response first = browser.put(path, value);
        if (first.status() != 503) {
            return first;
        }
        System.out.println("node killed: a write answered 503 (" + first.body().strip() + "); retried once");
        Thread.sleep(200);
        return browser.put(path, value);
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.LogMark;
import dev.serversessions.it.support.RawHttp;
import dev.serversessions.it.support.StoreOutage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4, through real HTTP with real cookies against the example application in a real
 * runtime (Payara Micro or WildFly). Each backend's test extends this, starts the server on its
 * store, and says how to take the store away.
 */
public abstract class SessionSemanticsContract extends OneServerOnAStore {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** Servers with other settings on the same store ({@link SessionLockingContract}), by role. */
    private static final Map<String, AppServer> OTHER_SERVERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A server of the test's runtime on the test's store with {@code keys} added; one per role and test class. */
    public AppServer lockingServer(String role, Map<String, String> keys) {
        return OTHER_SERVERS.computeIfAbsent(role, r -> withStoreWarm(server().another(r, keys)));
    }

    /**
     * {@code server} once a request that writes a session has answered 204: a new server's first
     * store call starts the store's client (EclipseLink's session and pool, a driver's
     * connections), which on a busy machine can outlast the short store timeouts these classes
     * set for their outage tests (PostgresSessionIT's victim answered its first request 503 with
     * SESSION_SQLALCHEMY_TIMEOUT=3). The locking tests time locks, not that start.
     */
    private static AppServer withStoreWarm(AppServer server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status;
        while ((status = new Browser(server).put("/api/session/warm", "1").status()) != 204) {
            assertTrue(System.nanoTime() < deadline, "a write on the new server still answers " + status + " after 60 s");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return server;
    }

    public void forgetLockingServer(String role) {
        AppServer gone = OTHER_SERVERS.remove(role);
        if (gone != null) {
            gone.close();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void stopOtherServers() {
        OTHER_SERVERS.values().forEach(AppServer::close);
        OTHER_SERVERS.clear();
    }

    /** How to make the store unreachable for a while. */
    protected abstract StoreOutage outage();

    /**
     * The longest a request may wait for the store as the server under test is configured
     * (its {@code SESSION_*_TIMEOUT*}): during an outage every request must end within it plus
     * {@link #OUTAGE_MARGIN_MS}.
     */
    protected abstract long storeTimeoutMillis();

    /**
     * How long the load run keeps the store away, and then runs on after it is back: twice the
     * store's timeout, so that requests really wait for the store and give up, and at least 4 s.
     */
    protected long outageMillis() {
        return Math.max(4000, 2 * storeTimeoutMillis());
    }

    /**
     * What a request may take beyond the store's timeout under the load run: servlet and JSON
     * work of 50 concurrent requests on a shared two-core machine. Far below what an unbounded
     * wait costs (MongoDB's 120 s pool wait, k connect timeouts queued behind a lock).
     */
    protected static final long OUTAGE_MARGIN_MS = 2500;

    protected static JsonObject json(Response response) {
        assertEquals(200, response.status(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    protected static String attribute(Browser browser, String name) {
        JsonObject attributes = json(browser.get("/api/session"));
        return attributes.containsKey(name) ? attributes.getString(name) : null;
    }

    /** The writes a store has counted itself (its own statistics, triggers or file times) for one session. */
    @FunctionalInterface
    protected interface StoreWrites {
        long count(String sessionId) throws Exception;
    }

    /**
     * SPEC §4's coalesced slide, by the store's own count of writes: a session with its own
     * 16 s inactivity limit slides against that limit, with a threshold of half of it (8 s: the
     * default 60 s is more than half). Read-only requests right after its last write send the
     * store no write; the first one after the drift passed the threshold moves the stored
     * expiry; the cookie's Max-Age is re-sent by every one of them.
     */
    protected void assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(StoreWrites writes) throws Exception {
        Browser browser = browser();
        assertEquals(200, browser.get("/probe/short-lived?name=s&value=1&seconds=16").status());
        long written = System.nanoTime();
        String id = browser.cookie().orElseThrow();
        long expiry = Long.parseLong(browser.get("/probe/expiry").body());
        long before = writes.count(id);
        for (int i = 0; i < 3; i++) {
            Response read = browser.get("/probe/read?name=s");
            assertEquals("1", read.body());
            assertNotNull(read.setCookie(), "the cookie is re-sent by a read-only request");
        }
        long after = writes.count(id);
        assertTrue(System.nanoTime() - written < TimeUnit.SECONDS.toNanos(8),
                "the reads must run within the 8 s threshold for this test to mean anything; the machine is overloaded");
        assertEquals(before, after, "read-only requests between slides send the store no write");

        TimeUnit.NANOSECONDS.sleep(written + TimeUnit.MILLISECONDS.toNanos(8500) - System.nanoTime());
        assertEquals("1", browser.get("/probe/read?name=s").body());
        long slid = writes.count(id);
        assertTrue(slid > after, "the drift passed the threshold: this read-only request slid the expiry");
        long moved = Long.parseLong(browser.get("/probe/expiry").body());
        assertTrue(moved >= expiry + 8000, "the stored expiry moved from " + expiry + " to " + moved);
        assertEquals(slid, writes.count(id), "once: the request right after the slide writes nothing again");
    }

    @Test
    void untouchedRequestMakesNoBackendCallAndSetsNoCookie() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/a", "1").status());
        outage().begin();
        try {
            Response untouched = browser.get("/probe/untouched");
            assertEquals(200, untouched.status(), "an untouched request must not reach the store");
            assertTrue(untouched.setCookies().isEmpty());
            assertEquals(200, new Browser(server()).get("/probe/untouched").status());
        } finally {
            outage().end();
        }
    }

    /**
     * The library's CDI extensions observe only the types they need: Weld's WELD-000411 ("Observer
     * method ... receives events for all annotated types") named one of them on every deployment,
     * and its WELD-000139 would say that one was ignored (its Jakarta Security part, where that
     * API is missing: every runtime here has it).
     */
    @Test
    void theDeploymentLogsNoWeldWarningAboutTheLibrary() throws InterruptedException {
        // the store is built on first use, which logs where it is: the log read holds the deployment
        assertEquals(204, browser().put("/api/session/weld", "1").status());
        String stored = "Server sessions of this application are stored in";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server().log().contains(stored) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String log = server().log();
        assertTrue(log.contains(stored), "the library's start is in the log read");
        List<String> warnings = log.lines().filter(l -> l.contains("dev.serversessions")
                && (l.contains("WELD-000411") || l.contains("WELD-000139") || l.contains("Could not load service class"))).toList();
        assertEquals(List.of(), warnings);
    }

    @Test
    void anEmptyNewSessionIsNeverStoredAndGetsNoCookie() {
        Browser browser = browser();
        Response list = browser.get("/api/session");
        assertEquals("{}", list.body());
        assertTrue(list.setCookies().isEmpty());
        assertTrue(browser.get("/probe/read?name=x").setCookies().isEmpty());
        assertTrue(browser.cookie().isEmpty());
    }

    @Test
    void storedAttributesComeBackWithAWellFormedCookie() {
        Browser browser = browser();
        Response put = browser.put("/api/session/greeting", "hello");
        assertEquals(204, put.status());
        String cookie = put.setCookie();
        assertNotNull(cookie, "a stored session sets the cookie");
        assertTrue(ID.matcher(browser.cookie().orElseThrow()).matches(), cookie);
        assertTrue(cookie.contains("; Path=/"), cookie);
        assertTrue(cookie.contains("; HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Lax"), cookie);
        assertTrue(cookie.matches(".*; Max-Age=26784(00|0[0-9]).*"), cookie);

        assertEquals("hello", attribute(browser, "greeting"));
    }

    @Test
    void clearingAStoredSessionDeletesItAndExpiresTheCookie() {
        Browser browser = browser();
        browser.put("/api/session/a", "1");
        String id = browser.cookie().orElseThrow();

        Response delete = browser.delete("/api/session/a");
        assertTrue(delete.expiresCookie(), String.valueOf(delete.setCookies()));
        assertTrue(delete.setCookie().contains("; Path=/"), delete.setCookie());

        assertEquals("{}", new Browser(server()).withCookie(id).get("/api/session").body());
        Browser other = browser();
        other.put("/api/session/b", "2");
        assertTrue(other.get("/probe/clear").expiresCookie());
    }

    @Test
    void savedBeforeAFlushCommitsTheResponse() {
        Browser browser = browser();
        Response flushed = browser.get("/probe/flush?name=f&value=1");
        assertEquals("flushed", flushed.body());
        assertTrue(flushed.setsCookie(), "cookie sent with the flushed headers");
        assertEquals("1", attribute(browser, "f"));
        assertEquals("after-commit", attribute(browser, "late"), "a change after the commit still reaches the store");
    }

    @Test
    void savedBeforeSendRedirect() {
        Browser browser = browser();
        Response redirect = browser.get("/probe/redirect?name=r&value=1");
        assertEquals(302, redirect.status());
        assertTrue(redirect.setsCookie());
        assertEquals("1", attribute(browser, "r"));
    }

    @Test
    void savedBeforeSendError() {
        Browser browser = browser();
        Response error = browser.get("/probe/error?name=e&value=1");
        assertEquals(409, error.status());
        assertTrue(error.setsCookie());
        assertEquals("1", attribute(browser, "e"));
    }

    @Test
    void savedBeforeTheContentLengthIsReached() {
        Browser browser = browser();
        Response exact = browser.get("/probe/content-length?name=c&value=1");
        assertEquals("exact", exact.body());
        assertTrue(exact.setsCookie());
        assertEquals("1", attribute(browser, "c"));
    }

    @Test
    void savedBeforeTheResponseBufferOverflows() {
        Browser browser = browser();
        Response big = browser.get("/probe/big?name=b&value=1");
        assertEquals(200 * 1024, big.body().length());
        assertTrue(big.setsCookie());
        assertEquals("1", attribute(browser, "b"));
    }

    @Test
    void savedBeforeAnAsyncRequestCompletes() {
        Browser browser = browser();
        Response async = browser.get("/probe/async?name=a&value=1");
        assertEquals("async", async.body());
        assertTrue(async.setsCookie());
        assertEquals("1", attribute(browser, "a"));
    }

    /**
     * The cookie slides on every read; the stored expiry only past the threshold (by default 1%
     * of the 31-day lifetime, 7.4 hours), so this read writes nothing: the store keeps the expiry.
     */
    @Test
    void aReadOnlyRequestResendsTheCookieWhileTheStoredExpiryWaitsForTheThreshold() throws InterruptedException {
        Browser browser = browser();
        browser.put("/api/session/a", "1");
        String id = browser.cookie().orElseThrow();
        long first = Long.parseLong(browser.get("/probe/expiry").body());
        Thread.sleep(1500);

        Response read = browser.get("/probe/read?name=a");
        assertEquals("1", read.body());
        assertTrue(read.setsCookie(), "the cookie is re-sent with a new expiry");
        assertTrue(read.setCookie().matches(".*; Max-Age=26784(00|0[0-9]).*"), read.setCookie());
        assertEquals(id, browser.cookie().orElseThrow());
        assertEquals(first, Long.parseLong(browser.get("/probe/expiry").body()), "the stored expiry is left as it was");
    }

    @Test
    void anUnknownIdIsNoSessionAndIsNeverAdopted() {
        Browser browser = browser().withCookie("A".repeat(43));
        Response read = browser.get("/api/session");
        assertEquals("{}", read.body());
        assertTrue(read.setCookies().isEmpty());

        browser.put("/api/session/a", "1");
        assertNotEquals("A".repeat(43), browser.cookie().orElseThrow(), "a client never chooses its own id");
    }

    @Test
    void malformedCookiesAreNoSessionAndNeverAnError() {
        List<String> hostile = List.of("../../etc/passwd", "x".repeat(10_000), "x:*", "session:*",
                "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "' OR '1'='1", "{\"$gt\":\"\"}", "A".repeat(42), "A".repeat(44),
                "A".repeat(42) + "+", "A".repeat(43) + ".sig", "\"quoted\"", "a,b");
        for (String hostileValue : hostile) {
            Browser browser = browser().withCookie(hostileValue);
            String value = hostileValue.length() > 60 ? hostileValue.substring(0, 20) + "... (" + hostileValue.length() + " chars)" : hostileValue;
            Response read = browser.get("/api/session");
            assertEquals(200, read.status(), value);
            assertEquals("{}", read.body(), value);
            Response put = browser.put("/api/session/a", "1");
            assertEquals(204, put.status(), value);
            assertTrue(ID.matcher(browser.cookie().orElseThrow()).matches(), value);
        }
    }

    @Test
    void fuzzedCookiesNeverCauseAServerError() throws Exception {
        RawHttp raw = new RawHttp(server());
        java.util.Random random = new java.util.Random(20261126);
        String[] seeds = {"x:*", "session:*", "*", "../", "%00", "\\u0000", "'; DROP TABLE sessions; --", "{\"$ne\": null}",
                "$where", "\u00e9t\u00e9", "\u65e5\u672c", "a=b; c=d", "\"", ",", ";", "=", " ", "\t"};
        for (int i = 0; i < 200; i++) {
            byte[] value;
            if (i < seeds.length) {
                value = seeds[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (i % 3 == 0) {
                value = new byte[1 + random.nextInt(64)];
                random.nextBytes(value);
                // any byte but CR and LF, which end the header line: such a request is malformed
                // HTTP for the runtime's parser, never a cookie our filter sees (GlassFish waited
                // about 5 s for the rest of each before its 400: 22 s of this test's 24 there)
                for (int b = 0; b < value.length; b++) {
                    if (value[b] == '\r' || value[b] == '\n') {
                        value[b] = 'x';
                    }
                }
            } else {
                StringBuilder text = new StringBuilder();
                int length = i % 7 == 0 ? 20_000 : 1 + random.nextInt(100);
                for (int c = 0; c < length; c++) {
                    text.append((char) (0x21 + random.nextInt(0x5e)));
                }
                value = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            int refusedBefore = server().cookieHeadersRefusedByTheRuntime();
            int status = raw.getWithCookie("/api/session", value);
            // WildFly's own cookie parser answers 500 to bytes outside US-ASCII before our filter
            // runs (see WildFlyServer); anything else must be ours to answer, and never a 500.
            boolean refusedByTheRuntime = status == 500 && runtimeRefusedACookieSince(refusedBefore);
            assertTrue(status == 200 || status == 400 || refusedByTheRuntime, "cookie #" + i + " gave " + status);
        }
        Browser browser = browser().withCookie("x:*");
        assertEquals(204, browser.put("/api/session/a", "1").status());
        assertTrue(ID.matcher(browser.cookie().orElseThrow()).matches());
    }

    private boolean runtimeRefusedACookieSince(int refusedBefore) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L; // the log line may trail the response
        while (server().cookieHeadersRefusedByTheRuntime() <= refusedBefore) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void regenerateMovesTheDataToANewIdAndDeletesTheOldOne() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        String oldId = browser.cookie().orElseThrow();

        Response regenerate = browser.post("/api/session/regenerate");
        assertEquals(204, regenerate.status());
        String newId = browser.cookie().orElseThrow();
        assertNotEquals(oldId, newId);

        assertEquals("alice", attribute(browser, "user"));
        assertEquals("{}", new Browser(server()).withCookie(oldId).get("/api/session").body());
    }

    @Test
    void invalidateDeletesTheDataAndExpiresTheCookie() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        String id = browser.cookie().orElseThrow();

        Response invalidate = browser.post("/api/session/invalidate");
        assertEquals(204, invalidate.status());
        assertTrue(invalidate.expiresCookie());
        assertEquals("{}", new Browser(server()).withCookie(id).get("/api/session").body());
    }

    /**
     * Whether this store can list what expired, so that {@code sessionDestroyed} runs on expiry:
     * all but memcached and Redis Cluster, which say so in the log at start-up instead.
     */
    protected boolean announcesExpiry() {
        return true;
    }

    /**
     * The example's {@code GET /api/session-events}: a session that times out is announced to the
     * application's {@code HttpSessionListener} once, with its attribute {@code tag} still
     * readable, within the bound. Where the store cannot list expiries, the start-up log says so.
     */
    @Test
    void anExpiredSessionIsAnnouncedToTheListenersOnce() throws Exception {
        String tag = ExpiryEvents.newTag("semantics");
        ExpiryEvents.shortLivedSession(server(), tag, 1);
        if (announcesExpiry()) {
            ExpiryEvents.assertEachAnnouncedOnce(List.of(server()), List.of(tag));
        } else {
            assertTrue(server().log().contains("cannot list the sessions that expire in it: HttpSessionListener.sessionDestroyed"
                    + " runs when a session is invalidated, never when it expires"), "the start-up log says so");
            assertFalse(ExpiryEvents.destroyed(server()).contains(tag));
        }
    }

    @Test
    void anExpiredSessionIsNeverReturned() throws InterruptedException {
        Browser browser = browser();
        assertEquals(200, browser.get("/probe/short-lived?name=s&value=1&seconds=2").status());
        String id = browser.cookie().orElseThrow();
        assertEquals("1", attribute(browser, "s"));

        Thread.sleep(4000);

        assertEquals("{}", new Browser(server()).withCookie(id).get("/api/session").body());
    }

    @Test
    void concurrentWritesToDifferentAttributesAreAllKept() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/start", "0");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "k" + i;
            Browser sameCookie = browser.on(server());
            puts.add(pool.submit(() -> sameCookie.put("/api/session/" + name, name)));
        }
        for (Future<Response> put : puts) {
            assertEquals(204, put.get(60, TimeUnit.SECONDS).status());
        }
        pool.shutdown();

        JsonObject attributes = json(browser.get("/api/session"));
        for (int i = 0; i < 100; i++) {
            assertEquals("k" + i, attributes.getString("k" + i, null), "k" + i + " of " + attributes);
        }
    }

    @Test
    void concurrentWritesToOneAttributeLeaveOneOfTheWrittenValues() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/x", "start");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        Set<String> written = new HashSet<>();
        List<Future<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String value = "v" + i;
            written.add(value);
            Browser sameCookie = browser.on(server());
            puts.add(pool.submit(() -> sameCookie.put("/api/session/x", value)));
        }
        for (Future<Response> put : puts) {
            assertEquals(204, put.get(60, TimeUnit.SECONDS).status());
        }
        pool.shutdown();
        assertTrue(written.contains(attribute(browser, "x")));
    }

    @Test
    void aValueChangedInPlaceIsSaved() {
        Browser browser = browser();
        browser.get("/probe/cart-add?item=apple");
        assertEquals("[apple, pear]", browser.get("/probe/cart-add?item=pear").body());
        assertEquals("[apple, pear, fig]", browser.get("/probe/cart-add?item=fig").body());
    }

    @Test
    void anAttributeOnlyReadIsNeverRewritten() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/user", "old");
        String latch = latch();
        CompletableFuture<Response> reader = heldAfterLoad(browser, latch, ""); // has read "old"
        assertEquals(204, browser.on(server()).put("/api/session/user", "new").status());

        Response read = release(reader, latch); // the reader saves after the write
        assertEquals(200, read.status(), read.body());
        assertEquals("old", read.body());
        assertEquals("new", attribute(browser, "user"), "the reader must not write back what it loaded");
    }

    @Test
    void undecodableStoredDataIsAnEmptySessionNotAnError() throws InterruptedException {
        LogMark mark = server().logMark();
        Browser browser = browser();
        browser.put("/api/session/a", "1");
        assertEquals("corrupted", browser.get("/probe/corrupt").body());

        Response read = browser.get("/api/session");
        assertEquals(200, read.status());
        assertEquals("{}", read.body());
        assertTrue(mark.await("cannot be decoded", java.time.Duration.ofSeconds(10)), "logged while this test ran:\n" + mark.since());
    }

    @Test
    void aRequestReadingOneSmallAttributeNeverDecodesNorWritesTheOthers() {
        Browser browser = browser();
        assertEquals("put", browser.get("/probe/put?name=user&value=alice").body());
        assertEquals("stored", browser.get("/probe/put-counted?name=cart&size=2000").body());
        assertEquals("corrupted", browser.get("/probe/corrupt").body()); // 'broken': bytes no codec reads
        String cart = browser.get("/probe/stored-bytes?name=cart").body();
        LogMark mark = server().logMark();
        assertEquals("reset", browser.get("/probe/reset-counts").body());

        Response read = browser.get("/probe/read?name=user");
        assertEquals(200, read.status(), read.body());
        assertEquals("alice", read.body());
        assertEquals("put", browser.get("/probe/put?name=note&value=kept").body());

        Browser observer = new Browser(server());
        assertEquals("0", observer.get("/probe/deserializations").body(), "times the cart was decoded");
        assertEquals("0", observer.get("/probe/serializations").body(), "times the cart was encoded");
        assertEquals(cart, browser.get("/probe/stored-bytes?name=cart").body());
        assertEquals("0102030405", browser.get("/probe/stored-bytes?name=broken").body(), "the bytes never read are untouched");
        assertEquals("alice kept", browser.get("/probe/read?name=user&name=note").body());
        assertFalse(mark.since().contains("cannot be decoded"), "nothing undecodable was read");
    }

    @Test
    void undecodableDataARequestReadsIsAnEmptySessionAndOneLogLine() {
        Browser browser = browser();
        assertEquals("put", browser.get("/probe/put?name=user&value=alice").body());
        assertEquals("corrupted", browser.get("/probe/corrupt").body());
        String id = browser.cookie().orElseThrow();

        Response read = browser.get("/probe/read?name=broken&name=user");
        assertEquals(200, read.status(), read.body());
        assertEquals("null null", read.body(), "emptied before the application saw any value");
        assertEquals("null null", browser.get("/probe/read?name=broken&name=user").body());
        String line = "Session " + dev.serversessions.internal.session.SessionIds.logTag(id) + " holds data that cannot be decoded";
        String log = server().log();
        assertEquals(1, log.split(java.util.regex.Pattern.quote(line), -1).length - 1, "logged once: " + line);
        assertEquals("0102030405", browser.get("/probe/stored-bytes?name=broken").body(), "left alone in the store");
    }

    @Test
    void anUnreachableStoreGives503WithoutStackTraceAndTheAppRecovers() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/kept", "yes");
        outage().begin();
        Response during;
        long millis;
        try {
            long start = System.nanoTime();
            during = browser.get("/api/session");
            millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, browser.get("/probe/untouched").status());
            Response async = browser.get("/probe/async?name=a&value=1");
            assertEquals(503, async.status(), "an async request that needed the store: " + async.body());
        } finally {
            outage().end();
        }
        assertEquals(503, during.status(), during.body());
        assertTrue(millis < 15_000, "the 503 came after " + millis + " ms: the store's timeout must bound it");
        assertFalse(during.body().contains("Exception"), during.body());
        assertFalse(during.body().contains("at dev."), during.body());

        Response after = browser.get("/api/session");
        assertEquals(200, after.status(), after.body());
        if (outage().keepsData()) {
            assertEquals("yes", attribute(browser, "kept"));
        }
    }

    /**
     * 50 clients keep incrementing their counters; the store goes away while requests are in
     * flight and comes back. Every response is a 200 or a 503 within the store's timeout plus a
     * margin, none hangs, and the service comes back by itself.
     */
    @Test
    void anOutageInTheMiddleOfALoadRunGives200Or503InTimeAndServiceComesBack() throws Exception {
        int clients = 50;
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            browsers.add(browser());
        }
        record Outcome(long startNanos, long endNanos, int status, String failure) {
            long millis() {
                return (endNanos - startNanos) / 1_000_000;
            }
        }
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long begun;
        long ended;
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (Browser client : browsers) {
                loops.add(pool.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            Response response = client.post("/api/counter");
                            outcomes.add(new Outcome(start, System.nanoTime(), response.status(),
                                    response.status() == 200 || response.status() == 503 ? null : response.body()));
                        } catch (AssertionError | RuntimeException e) {
                            outcomes.add(new Outcome(start, System.nanoTime(), -1, e.toString()));
                        }
                    }
                }));
            }
            Thread.sleep(2000);
            begun = System.nanoTime();
            outage().begin();
            try {
                Thread.sleep(outageMillis());
            } finally {
                ended = System.nanoTime();
                outage().end();
            }
            Thread.sleep(outageMillis());
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(120, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            pool.shutdownNow();
        }

        List<Outcome> all = List.copyOf(outcomes);
        long bound = storeTimeoutMillis() + OUTAGE_MARGIN_MS;
        long inFlightAtBegin = all.stream().filter(o -> o.startNanos() < begun && o.endNanos() > begun).count();
        List<Outcome> during = all.stream().filter(o -> o.endNanos() > begun && o.startNanos() < ended).toList();
        long slowest = all.stream().mapToLong(Outcome::millis).max().orElse(0);
        long slowestDuring = during.stream().mapToLong(Outcome::millis).max().orElse(0);
        long unavailable = all.stream().filter(o -> o.status() == 503).count();
        System.out.println("Outage under load (" + getClass().getSimpleName() + "): " + all.size() + " requests, "
                + inFlightAtBegin + " in flight when the store went away, " + unavailable + " x 503, slowest "
                + slowest + " ms (during the outage " + slowestDuring + " ms), bound " + bound + " ms");

        assertTrue(inFlightAtBegin > 0, "the store must go away while requests are running");
        assertTrue(unavailable > 0, "the outage must have been noticed");
        List<Outcome> wrong = all.stream().filter(o -> o.failure() != null).toList();
        assertTrue(wrong.isEmpty(), "only 200 and 503: " + wrong.stream().limit(5).toList());
        List<Outcome> late = all.stream().filter(o -> o.millis() > bound).toList();
        assertTrue(late.isEmpty(), late.size() + " responses took longer than " + bound + " ms, e.g. "
                + late.stream().map(Outcome::millis).sorted(java.util.Comparator.reverseOrder()).limit(10).toList());
        for (Browser client : browsers) {
            Response after = client.post("/api/counter");
            assertEquals(200, after.status(), "service came back without a restart: " + after.body());
        }
    }

    @Test
    void theCounterApiCounts() {
        Browser browser = browser();
        assertEquals("1", browser.post("/api/counter").body());
        assertEquals("2", browser.post("/api/counter").body());
        assertEquals("3", browser.post("/api/counter").body());
    }

    @Test
    void httpSessionCodeSharesTheServerSession() {
        Browser browser = browser();
        assertEquals(204, browser.put("/legacy/session/legacy", "value").status());
        assertTrue(browser.cookie().isPresent());
        assertEquals("value", attribute(browser, "legacy"));
        browser.put("/api/session/modern", "too");
        assertEquals("too", json(browser.get("/legacy/session")).getString("modern"));

        Response invalidate = browser.post("/legacy/session/invalidate");
        assertEquals(204, invalidate.status());
        assertTrue(invalidate.expiresCookie());
        assertEquals("{}", browser.get("/api/session").body());
    }

    @Test
    void aValueTheCodecCannotStoreIsRejectedAtPutNamingTheAttribute() {
        Browser browser = browser();
        Response put = browser.get("/probe/put-unserializable?name=thing");
        assertEquals(400, put.status());
        assertTrue(put.body().contains("'thing'"), put.body());
        assertNull(put.setCookie());
    }

    @Test
    void thePageCountsVisitsAndLoginRegeneratesTheId() {
        Browser browser = browser();
        assertTrue(browser.get("/").body().contains("<strong id=\"visits\">1</strong>"));
        assertTrue(browser.get("/").body().contains("<strong id=\"visits\">2</strong>"));
        String before = browser.cookie().orElseThrow();

        Response login = browser.postForm("/", "action", "login", "username", "alice", "password", "alice-secret");
        assertEquals(302, login.status());
        assertEquals(server().url("/").toString(), login.location(), "a failed login would redirect to /?login=failed");
        assertNotEquals(before, browser.cookie().orElseThrow());
        String page = browser.get("/").body();
        assertTrue(page.contains("<strong id=\"user\">alice</strong>"), page);
        assertTrue(page.contains("<strong id=\"visits\">3</strong>"), page);
    }

    private static String latch() {
        return "race-" + java.util.UUID.randomUUID();
    }

    /** Starts a request with the browser's cookie that loads the session and waits to be released. */
    private CompletableFuture<Response> heldAfterLoad(Browser browser, String latch, String then) {
        Browser sameCookie = browser.on(server());
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                () -> sameCookie.get("/probe/hold?latch=" + latch + "&name=user" + then));
        assertEquals("true", new Browser(server()).get("/probe/await-held?latch=" + latch).body(), "the request loaded its session");
        return held;
    }

    private Response release(CompletableFuture<Response> held, String latch) throws Exception {
        assertEquals("released", new Browser(server()).get("/probe/release?latch=" + latch).body());
        return held.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aReadOnlyRequestRacingALoginNeverHandsTheBrowserBackTheDeadId() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        String oldId = browser.cookie().orElseThrow();
        String latch = latch();
        CompletableFuture<Response> read = heldAfterLoad(browser, latch, "");

        assertEquals(204, browser.post("/api/session/regenerate").status());
        String newId = browser.cookie().orElseThrow();
        assertNotEquals(oldId, newId);

        Response late = release(read, latch);
        assertEquals(200, late.status(), late.body());
        assertEquals("alice", late.body(), "it read the session as it was when it loaded it");
        assertTrue(late.setCookies().stream().noneMatch(c -> c.contains(oldId)),
                "re-sending the old id would replace the login's cookie and log the user out: " + late.setCookies());
        assertEquals("alice", attribute(browser, "user"));
    }

    @Test
    void aWriteRacingALoginFailsVisiblyAndTheLoginKeepsItsSession() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        String oldId = browser.cookie().orElseThrow();
        String latch = latch();
        CompletableFuture<Response> write = heldAfterLoad(browser, latch, "&then=put&put=theme&value=dark");

        assertEquals(204, browser.post("/api/session/regenerate").status());

        Response late = release(write, latch);
        assertEquals(409, late.status(), late.body());
        assertFalse(late.body().contains("Exception"), late.body());
        assertTrue(late.setCookies().isEmpty(), "the cookie is the login's to set: " + late.setCookies());
        assertEquals("alice", attribute(browser, "user"));
        assertNull(attribute(browser, "theme"), "the racing write's change was not saved, and it said so");
        assertEquals("{}", new Browser(server()).withCookie(oldId).get("/api/session").body(), "the old id stays dead");
    }

    @Test
    void aWriteWithTheOldCookieJustAfterALoginDoesNotReplaceTheLoginsCookie() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        Browser stale = browser.on(server());
        assertEquals(204, browser.post("/api/session/regenerate").status());

        Response late = stale.put("/api/session/theme", "dark");
        assertEquals(409, late.status(), late.body());
        assertTrue(late.setCookies().isEmpty(), "a second session's cookie would log the user out: " + late.setCookies());
        assertEquals("alice", attribute(browser, "user"));
    }

    @Test
    void aLoginRacingALogoutDoesNotBringTheSessionBack() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        String oldId = browser.cookie().orElseThrow();
        String latch = latch();
        CompletableFuture<Response> login = heldAfterLoad(browser, latch, "&then=regenerate");

        Response logout = browser.on(server()).post("/api/session/invalidate");
        assertEquals(204, logout.status());
        assertTrue(logout.expiresCookie());

        Response late = release(login, latch);
        assertEquals(409, late.status(), "the logged-out session must not be stored again under a new id: " + late.body());
        assertFalse(late.setsCookie(), String.valueOf(late.setCookies()));
        assertEquals("{}", new Browser(server()).withCookie(oldId).get("/api/session").body());
    }

    /** Logs {@code browser} in through {@code POST /api/login} (Jakarta Security): 204, and a new id. */
    private static void logIn(Browser browser, String user, String password) {
        String before = browser.cookie().orElse(null);
        Response login = browser.postForm("/api/login", "username", user, "password", password);
        assertEquals(204, login.status(), login.body());
        assertNotEquals(before, browser.cookie().orElse(null), "a login changes the id");
    }

    private static Object whoami(Browser browser) {
        return json(browser.get("/api/whoami")).get("user");
    }

    @Test
    void aLogoutEndsTheSessionItsIdAndEveryAttribute() {
        Browser browser = browser();
        browser.put("/api/session/cart", "3 items");
        logIn(browser, "alice", "alice-secret");
        assertEquals(204, browser.put("/legacy/session/draft", "dear bob").status());
        String loggedInId = browser.cookie().orElseThrow();
        Browser staleTab = browser.on(server()); // keeps the session cookie and the login hint of before the logout
        assertEquals(Json.createValue("alice"), whoami(staleTab));

        Response logout = browser.post("/api/logout");
        assertEquals(204, logout.status(), logout.body());
        assertTrue(logout.expiresCookie(), "nothing is left to keep: " + logout.allSetCookies());
        assertFalse(logout.setsContainerSessionCookie());

        assertEquals("{}", staleTab.get("/api/session").body(), "the old id loads no session: no cart, no draft");
        assertEquals("{}", staleTab.get("/legacy/session").body());
        assertEquals(jakarta.json.JsonValue.NULL, whoami(staleTab));
        assertEquals("{}", new Browser(server()).withCookie(loggedInId).get("/api/session").body());
        assertEquals("{}", browser.get("/api/session").body());
        assertEquals(jakarta.json.JsonValue.NULL, whoami(browser));
    }

    /** A shared computer: alice logs out, bob logs in (a login without a logout in between: {@code UserSessionsContract}). */
    @Test
    void aSecondUserLoggingInOnTheSameBrowserSeesNoneOfTheFirstUsersAttributes() {
        Browser browser = browser();
        logIn(browser, "alice", "alice-secret");
        browser.put("/api/session/cart", "alice's 3 items");
        String alices = browser.cookie().orElseThrow();
        assertEquals(204, browser.post("/api/logout").status());
        browser.put("/api/session/theme", "dark"); // anonymous again, between the two logins

        logIn(browser, "bob", "bob-secret");
        assertEquals(Json.createValue("bob"), whoami(browser));
        assertEquals("{\"theme\":\"dark\"}", browser.get("/api/session").body(), "nothing of alice's; what the anonymous visit left stays");
        assertEquals("{}", new Browser(server()).withCookie(alices).get("/api/session").body(), "alice's session ended");
    }

    @Test
    void aStreamingResponseEncodesTheSessionOnceAtCommitAndOnceAtTheEnd() {
        Browser browser = browser();
        assertEquals("stored", browser.get("/probe/put-counted?name=cart&size=2000").body());

        Response stream = browser.get("/probe/stream?name=cart&lines=20000");
        assertEquals(200, stream.status());
        assertEquals(20_000, stream.body().lines().count());
        int encodes = Integer.parseInt(new Browser(server()).get("/probe/serializations").body());
        assertTrue(encodes >= 1 && encodes <= 2, "the 2,000-item cart the request read was encoded " + encodes + " times");
    }

    @Test
    void anErrorPageSeesTheRequestsSessionAndNoContainerSessionIsMade() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");

        Response missing = browser.get("/no-such-page?count-error=1");
        assertEquals(404, missing.status());
        assertTrue(missing.body().contains("error 404 user=alice httpSession.user=alice"), missing.body());
        assertFalse(missing.setsContainerSessionCookie(), String.valueOf(missing.allSetCookies()));
        assertEquals("1", attribute(browser, "errors"), "what the error page changed is saved");
        assertEquals("alice", attribute(browser, "user"));
    }

    @Test
    void changesBeforeSendErrorAreSeenByTheErrorPageAndSaved() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");

        Response failed = browser.get("/probe/send-error-500?name=step&value=before-the-error");
        assertEquals(500, failed.status());
        assertTrue(failed.body().contains("user=alice") && failed.body().contains("step=before-the-error"), failed.body());
        assertFalse(failed.setsContainerSessionCookie(), String.valueOf(failed.allSetCookies()));
        assertEquals("before-the-error", attribute(browser, "step"));
    }

    @Test
    void changesBeforeCompletingThroughTheRequestsAsyncContextAreSaved() {
        Browser browser = browser();
        Response async = browser.get("/probe/async-context-complete?name=a&value=1");
        assertEquals("completed", async.body());
        assertTrue(async.setsCookie(), "saved before complete() committed the response");
        assertEquals("1", attribute(browser, "a"));
    }

    @Test
    void changesBeforeAnAsyncTimeoutAreSaved() {
        Browser browser = browser();
        Response timedOut = browser.get("/probe/async-timeout?name=t&value=1&millis=500");
        assertTrue(timedOut.setsCookie(), timedOut.status() + " " + timedOut.body());
        assertEquals("1", attribute(browser, "t"));
    }

    /** An id of the library's form that no session has: the cookie that points at a foreign entry. */
    protected static String unusedId() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * The store holds something that is not a session of ours under {@code id}: a browser sending
     * that cookie gets 200 and no session, again and again (never a 500, never a 503), the server
     * logs it once by the id's tag, and the browser's first write makes a session under a new id.
     */
    protected void assertForeignEntryIsNoSession(String id) {
        Browser browser = browser().withCookie(id);
        for (int i = 0; i < 3; i++) {
            Response read = browser.get("/api/session");
            assertEquals(200, read.status(), read.body());
            assertEquals("{}", read.body().trim());
        }
        assertEquals(204, browser.put("/api/session/user", "alice").status());
        assertNotEquals(id, browser.cookie().orElseThrow(), "the write made a session under a new id");
        assertEquals("alice", attribute(browser, "user"));
        String line = "Session " + dev.serversessions.internal.session.SessionIds.logTag(id) + " holds data that cannot be decoded";
        String log = server().log();
        assertEquals(1, log.split(java.util.regex.Pattern.quote(line), -1).length - 1, "logged once: " + line);
        assertFalse(log.contains(id), "the id itself is never logged");
    }

    /**
     * A value the store cannot take: the example's PUT answers 413 with the library's reason
     * (attribute, size, limit) and no stack trace, and the session keeps everything else.
     */
    protected void assertTooLargeValueIsRefusedAndTheRestKept(int valueBytes, long limit) {
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/user", "alice").status());
        Response refused = browser.put("/api/session/big", "x".repeat(valueBytes));
        assertEquals(413, refused.status(), refused.body());
        assertTrue(refused.body().contains("'big'") && refused.body().contains(String.valueOf(limit)), refused.body());
        assertFalse(refused.body().contains("Exception") || refused.body().contains("\tat "), refused.body());
        assertEquals("alice", attribute(browser, "user"));
        assertNull(attribute(browser, "big"));
        assertEquals(204, browser.put("/api/session/note", "small").status(), "the session still takes what fits");
        assertEquals("small", attribute(browser, "note"));
    }
}

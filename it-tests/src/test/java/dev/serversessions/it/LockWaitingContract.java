package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rules of waiting for a session's lock, which the library's filter applies whatever the
 * store: a wait past {@code SESSION_LOCK_TIMEOUT} is 503, at most
 * {@code SESSION_LOCK_MAX_WAITERS} requests of one session wait on one server, a logged-in
 * request that never uses its session takes no lock (its caller is read without it), and a
 * request that stops making progress (an async one never completed) loses its lock and cannot
 * save afterwards. On the filesystem store, on Payara Micro and WildFly (whose request threads
 * and async handling differ); with the one-server locking contract it extends.
 */
interface LockWaitingContract extends SessionLockingContract {
    int MAX_WAITERS = 4;
    Map<String, String> IMPATIENT = Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "2",
            "SESSION_LOCK_LEASE", String.valueOf(LEASE_SECONDS), "SESSION_LOCK_MAX_WAITERS", String.valueOf(MAX_WAITERS));

    /**
     * SESSION_LOCK_TIMEOUT=2: a request behind a held lock answers 503 with Retry-After after
     * about 2 s and changes nothing.
     */
    @Test
    default void aWaitPastTheTimeoutIs503WithRetryAfterAndChangesNothing() throws Exception {
        AppServer victim = lockingServer("locking-impatient", IMPATIENT);
        Browser browser = new Browser(victim);
        assertEquals(1, SessionLockingContract.increment(browser));
        String cookie = browser.cookie().orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            String first = "timeout-" + System.nanoTime();
            Future<Response> held = pool.submit(() -> browser.get("/probe/hold?name=counter&latch=" + first));
            assertEquals("true", new Browser(victim).get("/probe/await-held?latch=" + first).body());

            long start = System.nanoTime();
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(victim.url("/api/counter"))
                    .timeout(Duration.ofSeconds(60)).header("Cookie", "session=" + cookie)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "503 with Retry-After");
            assertFalse(refused.body().contains("Exception"), "a plain message, no stack trace: " + refused.body());
            assertTrue(waited >= 1_900 && waited < 3_000, "waited SESSION_LOCK_TIMEOUT (2 s) and less than a second more: " + waited + " ms");
            new Browser(victim).get("/probe/release?latch=" + first);
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
            assertEquals(2, SessionLockingContract.increment(browser), "the refused request changed nothing");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * SESSION_LOCK_MAX_WAITERS=4, SESSION_LOCK_TIMEOUT=2: while one request holds its session's
     * lock, 200 more requests of that session sent at once hold at most four of the server's
     * request threads at a time (each for the 2 s timeout, then 503 with Retry-After: 5); all the
     * others are answered 503 with Retry-After: 1 at once, and change nothing. Meanwhile another
     * session's requests keep answering, none of them as slow as the lock timeout (which they
     * would be if the flood's waiters held the threads they need).
     */
    @Test
    default void twoHundredRequestsBehindAHeldLockWaitAtMostFourAtATimeWhileOtherSessionsAnswer() throws Exception {
        AppServer server = lockingServer("locking-impatient", IMPATIENT);
        Browser browser = new Browser(server);
        int counter = SessionLockingContract.increment(browser);
        String cookie = browser.cookie().orElseThrow();
        Browser other = new Browser(server);
        SessionLockingContract.increment(other);
        long[] quiet = SessionLockingContract.timedIncrements(other, 10);
        int flood = 200;
        ExecutorService pool = Executors.newFixedThreadPool(flood + 2);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            String latch = "flood-" + System.nanoTime();
            Future<Response> held = pool.submit(() -> browser.get("/probe/hold?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return client.send(HttpRequest.newBuilder(server.url("/api/counter")).timeout(Duration.ofSeconds(60))
                            .header("Cookie", "session=" + cookie).POST(HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.ofString());
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            long[] flooded = pool.submit(() -> SessionLockingContract.timedIncrements(other, 10)).get(120, TimeUnit.SECONDS);
            int refusedAtOnce = 0;
            int waited = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
                assertEquals(503, response.statusCode(), response.body());
                assertFalse(response.body().contains("Exception"), "a plain message, no stack trace: " + response.body());
                String retryAfter = response.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("503 without Retry-After"));
                if (retryAfter.equals("1")) {
                    refusedAtOnce++;
                } else {
                    assertEquals("5", retryAfter, response.body());
                    waited++;
                }
            }
            long floodMillis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(held.isDone(), "the holder kept its lock through the flood");
            System.out.println("200 requests behind a held lock: " + waited + " waited the lock timeout, " + refusedAtOnce
                    + " refused at once, all answered in " + floodMillis + " ms; another session's POST /api/counter, ms, before "
                    + java.util.Arrays.toString(quiet) + ", during " + java.util.Arrays.toString(flooded));
            // four waiting at a time, each for the 2 s timeout: a flood that lasted longer let more in
            long admitted = MAX_WAITERS * (1 + floodMillis / 1_900);
            assertTrue(waited <= admitted, waited + " requests waited for the lock; at most " + MAX_WAITERS
                    + " at a time over " + floodMillis + " ms allows " + admitted);
            assertTrue(java.util.Arrays.stream(flooded).max().orElseThrow() < 2_000,
                    "another session's requests never waited as long as the lock timeout: " + java.util.Arrays.toString(flooded));

            new Browser(server).get("/probe/release?latch=" + latch);
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(counter + 1, SessionLockingContract.increment(browser), "none of the 200 refused requests changed the session");
    }

    /**
     * A logged-in client (session cookie and login hint) while one of its requests holds the
     * session's lock: the caller is read without the lock, so its requests that never read or
     * write the session answer at once and as the logged-in user (a protected page that only
     * asks who is logged in, a page that ignores the session, a static file), while a request
     * that reads its session still waits for the lock and, after SESSION_LOCK_TIMEOUT (2 s),
     * answers 503 with Retry-After.
     */
    @Test
    default void aLoggedInRequestThatNeverTouchesItsSessionTakesNoLock() throws Exception {
        AppServer server = lockingServer("locking-impatient", IMPATIENT);
        Browser alice = new Browser(server);
        Response login = alice.postForm("/api/login", "username", "alice", "password", "alice-secret");
        assertEquals(204, login.status(), login.body());
        assertFalse(alice.otherCookies().isEmpty(), "the login hint cookie");
        assertEquals(1, SessionLockingContract.increment(alice));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String latch = "login-" + System.nanoTime();
            Browser holder = alice.on(server);
            Future<Response> held = pool.submit(() -> holder.get("/probe/hold?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            for (String path : List.of("/api/admin", "/api/whoami", "/probe/untouched", "/lock-free.txt")) {
                long start = System.nanoTime();
                Response response = alice.on(server).get(path);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, response.status(), path + ": " + response.body());
                assertTrue(millis < 1_500, path + " answered at once, not after the lock timeout (2 s): " + millis + " ms");
                if (path.startsWith("/api/")) {
                    assertTrue(response.body().contains("\"alice\""), path + " as alice: " + response.body());
                }
            }

            long start = System.nanoTime();
            Response refused = alice.on(server).post("/api/counter");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, refused.status(), "a request that reads its session waits for the lock: " + refused.body());
            assertTrue(waited >= 1_900, "waited SESSION_LOCK_TIMEOUT (2 s): " + waited + " ms");

            new Browser(server).get("/probe/release?latch=" + latch);
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
            assertEquals(200, alice.get("/api/admin").status(), "still logged in once the lock is free");
            assertEquals(2, SessionLockingContract.increment(alice), "the refused request changed nothing");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The caller a request runs as is read without the lock; a logout that ends the session
     * between that read and the request's first use of its session makes that use fail visibly
     * (409): the request never reads the ended session, nor a fresh one as if it still were
     * alice's.
     */
    @Test
    default void aLogoutBetweenTheLockFreeCallerReadAndTheFirstUseOfTheSessionIs409() throws Exception {
        AppServer server = lockingServer("locking-impatient", IMPATIENT);
        Browser alice = new Browser(server);
        Response login = alice.postForm("/api/login", "username", "alice", "password", "alice-secret");
        assertEquals(204, login.status(), login.body());
        assertEquals(1, SessionLockingContract.increment(alice));
        String latch = "logout-race-" + System.nanoTime();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Browser reader = alice.on(server);
            Future<Response> read = pool.submit(() -> reader.get("/probe/wait-then-read?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            long start = System.nanoTime();
            Response logout = alice.post("/api/logout");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(204, logout.status(), "the waiting request holds no lock: " + logout.body());
            assertTrue(millis < 1_500, "the logout did not wait for a lock: " + millis + " ms");

            new Browser(server).get("/probe/release?latch=" + latch);
            Response late = read.get(60, TimeUnit.SECONDS);
            assertEquals(409, late.status(), late.body());
            assertFalse(late.body().contains("alice 1"), late.body());
            assertEquals(401, alice.get("/api/admin").status(), "logged out");
        } finally {
            new Browser(server).get("/probe/release?latch=" + latch);
            pool.shutdownNow();
        }
    }

    /**
     * An async request that loaded its session (so holds its lock) and then never completes:
     * it made no progress, so its lock goes SESSION_LOCK_TIMEOUT (2 s) later (at the latest a
     * lease later, 2 + 6 s) and another request of the session gets it and writes. When the
     * stalled request comes back, writes and completes, its save is refused (409) and the other
     * request's write stays.
     */
    @Test
    default void anAsyncRequestThatNeverCompletesLosesItsLockAndItsLateSaveIsRefused() throws Exception {
        AppServer server = lockingServer("locking-impatient", IMPATIENT);
        Browser browser = new Browser(server);
        int before = SessionLockingContract.increment(browser);
        String cookie = browser.cookie().orElseThrow();
        String latch = "stall-" + System.nanoTime();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Response> stalled = pool.submit(() -> new Browser(server).withCookie(cookie).get("/probe/async-stall?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            long start = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            Response next;
            long millis;
            do {
                next = new Browser(server).withCookie(cookie).post("/api/counter");
                statuses.add(next.status());
                millis = (System.nanoTime() - start) / 1_000_000;
            } while (next.status() == 503 && millis < 12_000);
            assertEquals(200, next.status(), "answers " + statuses + " over " + millis + " ms: " + next.body());
            assertEquals(before + 1, Integer.parseInt(next.body().trim()));
            assertTrue(millis < (2 + LEASE_SECONDS) * 1_000 + 1_000, "the lock went within SESSION_LOCK_TIMEOUT + SESSION_LOCK_LEASE: "
                    + millis + " ms, answers " + statuses);
            assertFalse(stalled.isDone(), "the stalled request has not completed");
            System.out.println("A stalled async request's lock went after " + millis + " ms (answers " + statuses + ")");

            Response finish = new Browser(server).get("/probe/async-finish?latch=" + latch + "&name=counter&value=1000");
            assertEquals("completed", finish.body());
            Response late = stalled.get(60, TimeUnit.SECONDS);
            assertEquals(409, late.status(), "the stalled request's late save is refused: " + late.body());
            assertEquals(before + 2, SessionLockingContract.increment(browser), "the other request's write stayed, the late one was dropped");
        } finally {
            new Browser(server).get("/probe/async-finish?latch=" + latch);
            pool.shutdownNow();
        }
    }
}

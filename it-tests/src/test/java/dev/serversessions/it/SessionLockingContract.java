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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code SESSION_LOCKING} through HTTP, on the store and runtime of whichever test class
 * implements it: every store's Payara Micro class (Redis Cluster and MariaDB included), where
 * the store's lock is what differs, and WildFly's filesystem class, where the runtime's request
 * and async handling is: the locking rules run in the library's filter whatever the runtime,
 * and each class pays three more servers and a lease wait.
 * The servers with locking on are started beside the contract's own (which keeps locking off)
 * on the same store, by {@link #lockingServer}.
 */
interface SessionLockingContract {
    /** Long enough that 100 requests of one session, one at a time, never time out on a busy machine. */
    Map<String, String> PATIENT = Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "120", "SESSION_LOCK_LEASE", "20",
            "SESSION_LOCK_MAX_WAITERS", "200");
    int LEASE_SECONDS = 6;
    int MAX_WAITERS = 4;
    Map<String, String> IMPATIENT = Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "2",
            "SESSION_LOCK_LEASE", String.valueOf(LEASE_SECONDS), "SESSION_LOCK_MAX_WAITERS", String.valueOf(MAX_WAITERS));

    /**
     * A server of the test's runtime on the test's store with {@code keys} added to its
     * settings; the same one for the same role, stopped with the test class.
     */
    AppServer lockingServer(String role, Map<String, String> keys);

    /** Forgets a role's server (after the test killed it). */
    void forgetLockingServer(String role);

    private static int increment(Browser browser) {
        Response response = browser.post("/api/counter");
        assertEquals(200, response.status(), response.body());
        return Integer.parseInt(response.body().trim());
    }

    /** {@code requests} concurrent POST /api/counter with one session cookie, spread over {@code servers}. */
    private static List<Integer> concurrentIncrements(String cookie, int requests, AppServer... servers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Browser browser = new Browser(servers[i % servers.length]).withCookie(cookie);
                answers.add(pool.submit(() -> {
                    start.await();
                    return increment(browser);
                }));
            }
            start.countDown();
            List<Integer> values = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                values.add(answer.get(300, TimeUnit.SECONDS));
            }
            return values;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Set<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    default void hundredConcurrentIncrementsOfOneSessionAreAllKept() throws Exception {
        AppServer server = lockingServer("locking-a", PATIENT);
        Browser browser = new Browser(server);
        assertEquals(1, increment(browser));

        List<Integer> seen = concurrentIncrements(browser.cookie().orElseThrow(), 100, server);

        assertEquals(range(2, 101), new TreeSet<>(seen), "each request saw the one before it, none saw the same count");
        assertEquals(102, increment(browser), "+100, nothing lost");
    }

    @Test
    default void twoServersWithFiftyIncrementsEachKeepAllHundred() throws Exception {
        AppServer a = lockingServer("locking-a", PATIENT);
        AppServer b = lockingServer("locking-b", PATIENT);
        Browser browser = new Browser(a);
        assertEquals(1, increment(browser));

        List<Integer> seen = concurrentIncrements(browser.cookie().orElseThrow(), 100, a, b);

        assertEquals(range(2, 101), new TreeSet<>(seen));
        assertEquals(102, increment(browser.on(b)));
    }

    /** An async request holds the lock until its completion has saved, not only until its dispatch returns. */
    @Test
    default void asyncIncrementsHoldTheLockUntilTheyComplete() throws Exception {
        AppServer server = lockingServer("locking-a", PATIENT);
        Browser browser = new Browser(server);
        assertEquals(1, increment(browser));
        String cookie = browser.cookie().orElseThrow();
        int requests = 30;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Browser concurrent = new Browser(server).withCookie(cookie);
                answers.add(pool.submit(() -> {
                    start.await();
                    return concurrent.get("/probe/async-increment");
                }));
            }
            start.countDown();
            Set<Integer> seen = new TreeSet<>();
            for (Future<Response> answer : answers) {
                Response response = answer.get(300, TimeUnit.SECONDS);
                assertEquals(200, response.status(), response.body());
                seen.add(Integer.parseInt(response.body().trim()));
            }
            assertEquals(range(2, requests + 1), seen);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(requests + 2, increment(browser));
    }

    @Test
    default void aHeldLockNeverBlocksAnotherSession() throws Exception {
        AppServer server = lockingServer("locking-a", PATIENT);
        Browser holder = new Browser(server);
        increment(holder);
        Browser other = new Browser(server);
        increment(other);
        long[] unblocked = timedIncrements(other, 5);

        String latch = "other-session-" + System.nanoTime();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Response> held = pool.submit(() -> holder.get("/probe/hold?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            long[] whileHeld = timedIncrements(other, 5);
            assertFalse(held.isDone(), "the other session's requests all ran while this one held its lock");
            System.out.println("POST /api/counter of another session, ms, without a held lock " + java.util.Arrays.toString(unblocked)
                    + ", while one is held " + java.util.Arrays.toString(whileHeld));

            new Browser(server).get("/probe/release?latch=" + latch);
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(12, increment(other), "1 + 5 + 5 + this one");
        assertEquals(2, increment(holder));
    }

    private static long[] timedIncrements(Browser browser, int n) {
        long[] millis = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            increment(browser);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        return millis;
    }

    /**
     * SESSION_LOCK_TIMEOUT=2: a request behind a held lock answers 503 with Retry-After after
     * about 2 s and changes nothing. Then the holder's server is killed (SIGKILL) while it holds
     * the lock: the next request, on another server, waits for the lease (6 s) and no longer.
     */
    @Test
    default void aWaitPastTheTimeoutIs503AndAKilledHolderBlocksForAtMostTheLease() throws Exception {
        AppServer victim = lockingServer("locking-victim", IMPATIENT);
        AppServer survivor = lockingServer("locking-a", PATIENT);
        Browser browser = new Browser(victim);
        assertEquals(1, increment(browser));
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
            assertEquals(2, increment(browser), "the refused request changed nothing");

            String second = "killed-" + System.nanoTime();
            pool.submit(() -> browser.get("/probe/hold?name=counter&latch=" + second));
            assertEquals("true", new Browser(victim).get("/probe/await-held?latch=" + second).body());
            long locked = System.nanoTime();
            victim.kill();
            forgetLockingServer("locking-victim");

            assertEquals(3, increment(new Browser(survivor).withCookie(cookie)));
            long blocked = (System.nanoTime() - locked) / 1_000_000;
            System.out.println("After the lock holder was killed, the next request ran " + blocked + " ms after the lock was taken"
                    + " (SESSION_LOCK_LEASE " + LEASE_SECONDS + " s)");
            assertTrue(blocked >= LEASE_SECONDS * 1000L - 1500, "the dead holder's lock held until its lease ran out: " + blocked + " ms");
            // the lease, then the survivor's next poll (at most 50 ms apart), a store's rounding of
            // the lease to whole seconds (memcached) and the request itself
            assertTrue(blocked <= LEASE_SECONDS * 1000L + 2_000, "and at most 2 s longer than the lease: " + blocked + " ms");
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
        AppServer server = lockingServer("locking-victim", IMPATIENT);
        Browser browser = new Browser(server);
        int counter = increment(browser);
        String cookie = browser.cookie().orElseThrow();
        Browser other = new Browser(server);
        increment(other);
        long[] quiet = timedIncrements(other, 10);
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
            long[] flooded = pool.submit(() -> timedIncrements(other, 10)).get(120, TimeUnit.SECONDS);
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
        assertEquals(counter + 1, increment(browser), "none of the 200 refused requests changed the session");
    }

    /**
     * A logged-in request to a protected resource while another request of its session holds
     * the lock past SESSION_LOCK_TIMEOUT: the login decorator cannot read the caller and lets
     * the request go on anonymous, and the answer is 503 with Retry-After, neither the 401 of an
     * anonymous request nor the resource. Once the lock is free the login is there as before.
     */
    @Test
    default void aLoggedInRequestWhoseSessionStaysLockedIs503NotAnonymous() throws Exception {
        AppServer server = lockingServer("locking-victim", IMPATIENT);
        Browser alice = new Browser(server);
        Response login = alice.postForm("/api/login", "username", "alice", "password", "alice-secret");
        assertEquals(204, login.status(), login.body());
        assertEquals(200, alice.get("/api/admin").status(), "logged in, with the role");
        StringBuilder cookies = new StringBuilder("session=" + alice.cookie().orElseThrow());
        alice.otherCookies().forEach((name, value) -> cookies.append("; ").append(name).append('=').append(value));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String latch = "login-" + System.nanoTime();
            Browser holder = alice.on(server);
            Future<Response> held = pool.submit(() -> holder.get("/probe/hold?name=counter&latch=" + latch));
            assertEquals("true", new Browser(server).get("/probe/await-held?latch=" + latch).body());

            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/api/admin"))
                    .timeout(Duration.ofSeconds(60)).header("Cookie", cookies.toString()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "503 with Retry-After");

            new Browser(server).get("/probe/release?latch=" + latch);
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
            assertEquals(200, alice.get("/api/admin").status(), "still logged in once the lock is free");
        } finally {
            pool.shutdownNow();
        }
    }
}

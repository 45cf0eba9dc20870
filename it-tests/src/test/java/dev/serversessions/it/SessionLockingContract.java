package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
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
 * {@code SESSION_LOCKING} through HTTP on one server with locking on: 100 concurrent increments
 * of one session, async increments holding the lock until they complete, another session never
 * blocked. Extended by {@link StoreLockContract} (what each store's lock does across servers:
 * every store, on Payara Micro) and {@link LockWaitingContract} (the library's rules of waiting,
 * whatever the store: on the filesystem, on Payara Micro and on WildFly, whose request threads
 * and async handling differ). The servers with locking on are started beside the contract's own
 * (which keeps locking off) on the same store, by {@link #lockingServer}.
 */
interface SessionLockingContract {
    /** Long enough that 100 requests of one session, one at a time, never time out on a busy machine. */
    Map<String, String> PATIENT = Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "120", "SESSION_LOCK_LEASE", "20",
            "SESSION_LOCK_MAX_WAITERS", "200");
    int LEASE_SECONDS = 6;
    /** A server whose holders leave a short lease in the store when they die. */
    Map<String, String> SHORT_LEASE = Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "120",
            "SESSION_LOCK_LEASE", String.valueOf(LEASE_SECONDS), "SESSION_LOCK_MAX_WAITERS", "200");

    /**
     * A server of the test's runtime on the test's store with {@code keys} added to its
     * settings; the same one for the same role, stopped with the test class.
     */
    AppServer lockingServer(String role, Map<String, String> keys);

    /** Forgets a role's server (after the test killed it). */
    void forgetLockingServer(String role);

    static int increment(Browser browser) {
        Response response = browser.post("/api/counter");
        assertEquals(200, response.status(), response.body());
        return Integer.parseInt(response.body().trim());
    }

    /** {@code requests} concurrent POST /api/counter with one session cookie, spread over {@code servers}. */
    static List<Integer> concurrentIncrements(String cookie, int requests, AppServer... servers) throws Exception {
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

    static Set<Integer> range(int from, int to) {
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

    static long[] timedIncrements(Browser browser, int n) {
        long[] millis = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            increment(browser);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        return millis;
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * What each store's lock does, through HTTP on servers with {@code SESSION_LOCKING} on: mutual
 * exclusion across two servers, and the lease a dead holder leaves in the store. Every store's
 * Payara Micro class; each pays two more servers and a lease wait beside the contract's one.
 */
interface StoreLockContract extends SessionLockingContract {
    @Test
    default void twoServersWithFiftyIncrementsEachKeepAllHundred() throws Exception {
        AppServer a = lockingServer("locking-a", PATIENT);
        AppServer b = lockingServer("locking-b", PATIENT);
        Browser browser = new Browser(a);
        assertEquals(1, SessionLockingContract.increment(browser));

        List<Integer> seen = SessionLockingContract.concurrentIncrements(browser.cookie().orElseThrow(), 100, a, b);

        assertEquals(SessionLockingContract.range(2, 101), new TreeSet<>(seen));
        assertEquals(102, SessionLockingContract.increment(browser.on(b)));
    }

    /**
     * The holder's server is killed (SIGKILL) while a request there holds the session's lock
     * (SESSION_LOCK_LEASE=6 on that server): the next request, on another server, waits for that
     * lease to run out in the store and no longer. How a lease runs out is each store's own.
     */
    @Test
    default void aKilledHolderBlocksTheNextRequestOnAnotherServerForAtMostTheLease() throws Exception {
        AppServer victim = lockingServer("locking-victim", SHORT_LEASE);
        AppServer survivor = lockingServer("locking-a", PATIENT);
        Browser browser = new Browser(victim);
        assertEquals(1, SessionLockingContract.increment(browser));
        String cookie = browser.cookie().orElseThrow();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String latch = "killed-" + System.nanoTime();
            pool.submit(() -> browser.get("/probe/hold?name=counter&latch=" + latch));
            assertEquals("true", new Browser(victim).get("/probe/await-held?latch=" + latch).body());
            long locked = System.nanoTime();
            victim.kill();
            forgetLockingServer("locking-victim");

            assertEquals(2, SessionLockingContract.increment(new Browser(survivor).withCookie(cookie)));
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
}

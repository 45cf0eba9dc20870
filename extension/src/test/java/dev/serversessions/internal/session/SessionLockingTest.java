package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SESSION_LOCKING} below HTTP, on a real filesystem store: the request rule (lock at the
 * first touch, hold until released after the last save) and what regenerate and invalidate do
 * with it. Through HTTP and on every store: the it-tests' SessionLockingContract.
 */
class SessionLockingTest {
    @TempDir
    Path dir;

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "1"));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static String saveAndGetId(RequestSession session) {
        CookieAction action = session.save();
        session.releaseLocks();
        return action.id();
    }

    private String newSession(SessionRuntime runtime) {
        RequestSession first = runtime.open(null);
        first.put("counter", 0);
        return saveAndGetId(first);
    }

    /** One request's read-modify-write of the session's counter; returns null, for {@code submit}. */
    private static Void increment(SessionRuntime runtime, String id) {
        RequestSession request = runtime.open(id);
        try {
            request.put("counter", request.get("counter", Integer.class) + 1);
            request.save();
        } finally {
            request.releaseLocks();
        }
        return null;
    }

    private static java.util.concurrent.ThreadFactory recordedIn(List<Thread> threads) {
        return task -> {
            Thread thread = new Thread(task);
            threads.add(thread);
            return thread;
        };
    }

    /**
     * Waits until {@code count} threads are parked in this server's queue for a session's lock
     * ({@link LocalLocks#acquire}): what a test asserts next then holds while they wait, not
     * because they had not started yet.
     */
    private static void awaitQueuedForTheLock(List<Thread> threads, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (threads.stream().filter(SessionLockingTest::queuedForTheLock).count() < count) {
            assertTrue(System.nanoTime() < deadline, "never queued for the lock: " + threads.stream()
                    .map(t -> t.getName() + " " + t.getState()).toList());
            Thread.sleep(5);
        }
    }

    private static boolean queuedForTheLock(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(LocalLocks.class.getName()) && f.getMethodName().equals("acquire"));
    }

    /** Lease files held now. */
    private long lockFiles() throws IOException {
        if (!Files.isDirectory(dir.resolve("store"))) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir.resolve("store"))) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}\\.lock") && held(f)).count();
        }
    }

    /** Whether a lease file is held: its time (the lease's end) is ahead; a released one stays, free, until the purge. */
    private static boolean held(Path lease) {
        try {
            return Files.getLastModifiedTime(lease).toInstant().isAfter(java.time.Instant.now());
        } catch (IOException e) {
            return false; // removed by the purge meanwhile
        }
    }

    @Test
    void concurrentReadModifyWritesOfOneSessionAreAllKept() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_TIMEOUT", "60"));
        String id = newSession(runtime);
        int requests = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    increment(runtime, id);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, lockFiles(), "every lock was released");
        RequestSession after = runtime.open(id);
        assertEquals(requests, after.get("counter"));
        after.releaseLocks();
    }

    /**
     * Requests of one session on one server queue on this server and ask the store once each:
     * waiters do not poll the store (which, on SQL, took the connections the holder needed).
     */
    @Test
    void waitersOnOneServerAskTheStoreOnceEach() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_TIMEOUT", "60", "SESSION_LOCK_MAX_WAITERS", "100"));
        dev.serversessions.api.SessionBackend store = runtime.backend(dev.serversessions.api.SessionType.FILESYSTEM);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        runtime.useApplicationBackend(() -> new CountingLocks(store, asked));
        String id = newSession(runtime);
        asked.set(0);
        RequestSession holder = runtime.open(id);
        holder.get("counter");

        int waiters = 20;
        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(waiters, recordedIn(threads));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                done.add(pool.submit(() -> increment(runtime, id)));
            }
            awaitQueuedForTheLock(threads, waiters);
            assertEquals(1, asked.get(), "while the holder holds, its waiters on this server wait here, not in the store");
            assertEquals(1, runtime.localLocks().size());
            holder.releaseLocks();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1 + waiters, asked.get(), "one store lock per request, no polls");
        assertEquals(0, runtime.localLocks().size(), "nothing left behind");
        RequestSession after = runtime.open(id);
        assertEquals(waiters, after.get("counter"));
        after.releaseLocks();
    }

    /** The real filesystem backend, counting the lock calls that reach it. */
    private record CountingLocks(dev.serversessions.api.SessionBackend store, java.util.concurrent.atomic.AtomicInteger asked)
            implements dev.serversessions.api.SessionBackend {
        @Override
        public boolean tryLock(String id, String token, java.time.Duration lease) {
            asked.incrementAndGet();
            return store.tryLock(id, token, lease);
        }

        @Override
        public boolean unlock(String id, String token) {
            return store.unlock(id, token);
        }

        @Override
        public java.util.Optional<dev.serversessions.api.StoredSession> load(String id) {
            return store.load(id);
        }

        @Override
        public boolean apply(String id, dev.serversessions.api.ChangeSet changes) {
            return store.apply(id, changes);
        }

        @Override
        public void delete(String id) {
            store.delete(id);
        }

        @Override
        public boolean touch(String id, java.time.Instant expires) {
            return store.touch(id, expires);
        }

        @Override
        public boolean changeId(String oldId, String newId) {
            return store.changeId(oldId, newId);
        }

        @Override
        public int purgeExpired() {
            return store.purgeExpired();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * The lease bounds a dead server's lock, not a live request's: the running request (its
     * thread in the filter chain, as the filter says) renews it, past SESSION_LOCK_TIMEOUT too.
     */
    @Test
    void aRequestLongerThanTheLeaseKeepsItsLockUntilItReleases() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_LEASE", "1"));
        String id = newSession(runtime);
        RequestSession holder = runtime.open(id);
        holder.working(true);
        holder.put("counter", 1);
        dev.serversessions.api.SessionBackend store = runtime.activeBackend();
        WarningCapture warnings = new WarningCapture();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RequestSession.class.getName());
        log.addHandler(warnings);
        try {
            Thread.sleep(2600);
            assertFalse(store.tryLock(PrivateIds.of(id), "another-server", java.time.Duration.ofSeconds(30)),
                    "held 2.6 s with a 1 s lease: renewed while the request runs");

            holder.working(false);
            saveAndGetId(holder);
            assertEquals(0, lockFiles(), "released");
            Thread.sleep(800);
            assertEquals(0, lockFiles(), "no renewal after the release brings the lock back");
            assertTrue(warnings.records.isEmpty(), "nothing ran out: " + warnings.records.stream().map(r -> r.getMessage()).toList());
        } finally {
            log.removeHandler(warnings);
        }
        assertTrue(store.tryLock(PrivateIds.of(id), "another-server", java.time.Duration.ofSeconds(30)));
        assertTrue(store.unlock(PrivateIds.of(id), "another-server"));
        assertEquals(1, runtime.open(id).get("counter"));
    }

    /**
     * A request that made no progress for SESSION_LOCK_TIMEOUT (no thread working on it, its
     * session not used: an async request nobody completes) gives its lock up within the timeout
     * plus a third of the lease; another request then gets it and writes, and the stalled
     * request's late changes are refused (409), never written over that write. Its read-only
     * end writes nothing and fails nothing.
     */
    @Test
    void aRequestWithoutProgressForTheLockTimeoutLosesItsLockAndItsLateSaveIsRefused() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_LEASE", "3"));
        String id = newSession(runtime);
        RequestSession readOnly = runtime.open(newSession(runtime));
        readOnly.get("counter");
        WarningCapture warnings = new WarningCapture();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RequestSession.class.getName());
        log.addHandler(warnings);
        RequestSession stalled = runtime.open(id);
        stalled.working(true);
        assertEquals(0, stalled.get("counter"));
        stalled.working(false); // the dispatch returned, the async request never completes
        long start = System.nanoTime();
        try {
            boolean written = false;
            while (!written) {
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1 + 3 + 1), "the lock went within the timeout and the lease");
                try {
                    increment(runtime, id);
                    written = true;
                } catch (SessionLockTimeoutException e) {
                    // waited the 1 s timeout behind the stalled request: again
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 950, "held for SESSION_LOCK_TIMEOUT (1 s) after the last progress: " + millis + " ms");
            assertTrue(warnings.records.stream().anyMatch(r -> r.getMessage().contains("made no progress")),
                    warnings.records.stream().map(r -> r.getMessage()).toList().toString());
        } finally {
            log.removeHandler(warnings);
        }

        stalled.put("counter", 1000);
        assertThrows(dev.serversessions.api.SessionConflictException.class, stalled::save, "the late save is refused");
        stalled.releaseLocks();
        assertEquals(CookieAction.NONE, readOnly.save(), "a read-only request that lost its lock writes nothing and fails nothing");
        readOnly.releaseLocks();
        assertEquals(0, lockFiles());
        assertEquals(1, runtime.open(id).get("counter"), "the other request's write stands");
    }

    /**
     * The caller is read without the lock: a request of a logged-in session that asks who is
     * logged in takes no lock while another request holds it, and takes it (and loads again)
     * only at its first use of the session. A logout in between makes that use fail (409).
     */
    @Test
    void theCallerIsReadWithoutTheLockAndALogoutBeforeTheFirstUseIsAConflict() throws Exception {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession login = runtime.open(newSession(runtime));
        login.logIn(new Caller("alice", java.util.Set.of("user")));
        String id = saveAndGetId(login);
        RequestSession holder = runtime.open(id);
        holder.put("counter", 5);

        RequestSession reader = runtime.open(id);
        long start = System.nanoTime();
        assertEquals(java.util.Optional.of(new Caller("alice", java.util.Set.of("user"))), reader.caller());
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "did not wait for the holder's lock");
        assertFalse(reader.isTouched(), "not loaded, not locked");
        assertEquals(CookieAction.NONE, reader.save());
        reader.releaseLocks();
        saveAndGetId(holder);

        RequestSession waiting = runtime.open(id);
        assertTrue(waiting.caller().isPresent());
        RequestSession secondLogout = runtime.open(id);
        assertTrue(secondLogout.caller().isPresent());
        RequestSession logout = runtime.open(id);
        logout.logOut();
        saveAndGetId(logout);
        secondLogout.logOut(); // a logout (or login) changes the login itself: no conflict, nothing left to end
        assertEquals(CookieAction.NONE, secondLogout.save());
        secondLogout.releaseLocks();
        assertThrows(dev.serversessions.api.SessionConflictException.class, () -> waiting.get("counter"),
                "let in as alice, it never reads the session she logged out of, nor a fresh one as hers");
        assertThrows(dev.serversessions.api.SessionConflictException.class, () -> waiting.get("counter"), "every later use too");
        assertThrows(dev.serversessions.api.SessionConflictException.class, waiting::save);
        waiting.releaseLocks();
        assertEquals(0, lockFiles());

        RequestSession after = runtime.open(id);
        assertTrue(after.caller().isEmpty());
        assertEquals(Boolean.FALSE, after.holdsCallerIfLoaded(), "the stale login hint may go without a load");
    }

    /** Renewal never turns a lost release into a lock held as long as the server lives. */
    @Test
    void aRequestForgottenWithoutItsReleaseStopsRenewingSoItsLockRunsOut() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_LEASE", "1"));
        String id = newSession(runtime);
        lockAndForget(runtime, id);
        dev.serversessions.api.SessionBackend store = runtime.activeBackend();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean free = false;
        while (!free && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(200);
            free = store.tryLock(PrivateIds.of(id), "another-server", java.time.Duration.ofSeconds(30));
        }
        assertTrue(free, "the forgotten request's lock ran out once nothing held the request");
        assertTrue(store.unlock(PrivateIds.of(id), "another-server"));
    }

    private static void lockAndForget(SessionRuntime runtime, String id) {
        RequestSession forgotten = runtime.open(id);
        forgotten.put("counter", 7); // locked, renewed, never saved nor released
    }

    @Test
    void aRequestThatCannotGetTheLockInTimeGetsNoSessionAndWritesNothing() {
        SessionRuntime runtime = runtime(Map.of());
        String id = newSession(runtime);
        RequestSession holder = runtime.open(id);
        holder.put("counter", 1);

        RequestSession waiter = runtime.open(id);
        long start = System.nanoTime();
        assertThrows(SessionLockTimeoutException.class, () -> waiter.get("counter"));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 1000 && waited < 2000, "waited SESSION_LOCK_TIMEOUT (1 s), and less than a second more: " + waited + " ms");

        long again = System.nanoTime();
        assertThrows(SessionLockTimeoutException.class, () -> waiter.put("counter", 99), "it does not wait a second time");
        assertTrue(System.nanoTime() - again < TimeUnit.MILLISECONDS.toNanos(500));
        assertThrows(SessionLockTimeoutException.class, waiter::save, "nothing is written without the lock");
        waiter.releaseLocks();

        saveAndGetId(holder);
        assertEquals(1, runtime.open(id).get("counter"), "the holder's change stands, the waiter's never happened");
    }

    /**
     * SESSION_LOCK_MAX_WAITERS=3: behind the holder three requests of the session queue on this
     * server; the next one is refused at once (no wait for SESSION_LOCK_TIMEOUT, here 60 s), gets no
     * session and writes nothing; the queued ones go on once the holder releases.
     */
    @Test
    void beyondTheMaxWaitersARequestIsRefusedAtOnceAndTheQueuedOnesGoOn() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_TIMEOUT", "60", "SESSION_LOCK_MAX_WAITERS", "3"));
        String id = newSession(runtime);
        RequestSession holder = runtime.open(id);
        holder.put("counter", 1);
        List<Thread> threads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3, recordedIn(threads));
        try {
            List<Future<?>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(pool.submit(() -> increment(runtime, id)));
            }
            awaitQueuedForTheLock(threads, 3);

            RequestSession refused = runtime.open(id);
            long start = System.nanoTime();
            SessionLockTimeoutException e = assertThrows(SessionLockTimeoutException.class, () -> refused.put("counter", 99));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 1_000, "refused without waiting: " + millis + " ms");
            assertFalse(e.waited(), e.getMessage());
            assertTrue(e.getMessage().contains("SESSION_LOCK_MAX_WAITERS"), e.getMessage());
            assertThrows(SessionLockTimeoutException.class, refused::save, "nothing is written without the lock");
            refused.releaseLocks();
            assertEquals(4, runtime.localLocks().users(PrivateIds.of(id)), "the holder and its three waiters, the refused one gone");

            saveAndGetId(holder);
            for (Future<?> f : queued) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        RequestSession after = runtime.open(id);
        assertEquals(4, after.get("counter"), "the holder's 1 and the three queued increments; the refused 99 never happened");
        after.releaseLocks();
        assertEquals(0, runtime.localLocks().size());
    }

    @Test
    void untouchedAndNewSessionsOfOtherRequestsAreNeverBlocked() throws Exception {
        SessionRuntime runtime = runtime(Map.of());
        String id = newSession(runtime);
        String other = newSession(runtime);
        RequestSession holder = runtime.open(id);
        holder.get("counter");

        RequestSession untouched = runtime.open(id);
        assertEquals(CookieAction.NONE, untouched.save(), "an untouched request takes no lock and waits for nothing");
        RequestSession otherSession = runtime.open(other);
        long start = System.nanoTime();
        otherSession.put("counter", 5);
        saveAndGetId(otherSession);
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(900), "another session does not wait");
        RequestSession fresh = runtime.open(null);
        fresh.put("x", "1");
        saveAndGetId(fresh);
        holder.releaseLocks();
    }

    @Test
    void withoutLockingNothingIsLocked() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCKING", "false"));
        String id = newSession(runtime);
        RequestSession first = runtime.open(id);
        first.get("counter");
        RequestSession second = runtime.open(id);
        second.put("counter", 2);
        second.save();
        assertEquals(0, lockFiles(), "no lock is held");
        first.save();
    }

    /** An error page renders after the filter's pass has released: it must not take a lock nobody releases. */
    @Test
    void aTouchAfterTheRequestEndedTakesNoLockThatNobodyWouldRelease() throws Exception {
        SessionRuntime runtime = runtime(Map.of());
        String id = newSession(runtime);
        RequestSession request = runtime.open(id);
        request.releaseLocks(); // the end of an untouched request
        request.put("counter", 1); // its error page
        request.save();

        assertEquals(0, lockFiles());
        RequestSession next = runtime.open(id);
        assertEquals(1, next.get("counter"), "the next request is not locked out");
        next.releaseLocks();
    }

    @Test
    void regenerateHandsTheLockOverToTheNewId() {
        SessionRuntime runtime = runtime(Map.of());
        String oldId = newSession(runtime);
        RequestSession login = runtime.open(oldId);
        login.put("user", "alice");
        login.regenerate();
        String newId = login.save().id();

        RequestSession early = runtime.open(newId);
        assertThrows(SessionLockTimeoutException.class, () -> early.get("user"),
                "the new cookie's first request waits until the login's request is done");
        early.releaseLocks();
        RequestSession old = runtime.open(oldId);
        assertThrows(SessionLockTimeoutException.class, () -> old.get("user"), "the old id stays locked too");
        old.releaseLocks();

        login.releaseLocks();
        assertEquals("alice", runtime.open(newId).get("user"));
        RequestSession late = runtime.open(oldId);
        assertNull(late.get("user"), "the old id is gone: a fresh session, nothing resurrected");
        assertTrue(late.isNew());
        late.releaseLocks();
    }

    @Test
    void anInvalidateThatNeverReadTheSessionStillWaitsForItsHolder() {
        SessionRuntime runtime = runtime(Map.of());
        String id = newSession(runtime);
        RequestSession holder = runtime.open(id);
        holder.put("counter", 7);

        RequestSession logout = runtime.open(id);
        assertThrows(SessionLockTimeoutException.class, logout::invalidate);
        assertThrows(SessionLockTimeoutException.class, logout::save, "nothing deleted without the lock");
        logout.releaseLocks();
        saveAndGetId(holder);

        RequestSession again = runtime.open(id);
        again.invalidate();
        assertEquals(CookieAction.Kind.EXPIRE, again.save().kind());
        again.releaseLocks();
        RequestSession after = runtime.open(id);
        assertNull(after.get("counter"));
        after.releaseLocks();
    }

    @Test
    void aWaiterOfAnInvalidatedSessionGetsAFreshOneNeverTheOld() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOCK_TIMEOUT", "30"));
        String id = newSession(runtime);
        RequestSession logout = runtime.open(id);
        logout.get("counter");

        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(recordedIn(threads));
        try {
            Future<Object[]> waiter = pool.submit(() -> {
                RequestSession request = runtime.open(id);
                Object counter = request.get("counter");
                boolean isNew = request.isNew();
                request.put("counter", 1);
                String savedAs = request.save().id();
                request.releaseLocks();
                return new Object[] {counter, isNew, savedAs};
            });
            awaitQueuedForTheLock(threads, 1);
            assertFalse(waiter.isDone(), "it waits for the logout");
            logout.invalidate();
            logout.save();
            logout.releaseLocks();

            Object[] seen = waiter.get(30, TimeUnit.SECONDS);
            assertNull(seen[0], "the invalidated session's data is gone");
            assertEquals(true, seen[1]);
            assertFalse(id.equals(seen[2]), "its change went to a new session, never back under the old id");
        } finally {
            pool.shutdownNow();
        }
        assertNull(runtime.open(id).get("counter"));
    }
}

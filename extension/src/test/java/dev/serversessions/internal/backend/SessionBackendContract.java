package dev.serversessions.internal.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionBackend} must do, against a real store. A backend's test extends
 * this class and says how to build the backend; the request rules above it rely on each of these.
 */
public abstract class SessionBackendContract {
    protected static final SessionIds IDS = new SessionIds(32, null);

    /**
     * For stores whose lock leases this library reckons (SQL, MongoDB): a server whose clock runs
     * an hour ahead neither takes a lock that another server holds for 30 s nor purges it, and a
     * server whose clock runs an hour behind takes a 1 s lease once it ran out by the store's
     * clock (by its own clock it would wait an hour). All three backends share one store.
     */
    protected static void assertLeasesFollowTheStoresClock(SessionBackend honest, SessionBackend ahead, SessionBackend behind)
            throws InterruptedException {
        String id = IDS.generate();
        assertTrue(honest.tryLock(id, "honest", Duration.ofSeconds(30)));
        assertFalse(ahead.tryLock(id, "ahead", Duration.ofSeconds(30)), "an hour ahead, the 30 s lease has not run out");
        ahead.purgeExpired();
        assertFalse(behind.tryLock(id, "behind", Duration.ofSeconds(30)), "the purge an hour ahead left the live lock");
        assertTrue(honest.unlock(id, "honest"), "still the honest server's");

        assertTrue(honest.tryLock(id, "short", Duration.ofSeconds(1)));
        long start = System.nanoTime();
        while (!behind.tryLock(id, "behind", Duration.ofSeconds(30))) {
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "an hour behind, the 1 s lease never ran out");
            Thread.sleep(50);
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 800, "taken once the lease ran out, not before: " + waited + " ms");
        assertTrue(behind.unlock(id, "behind"));
    }

    private final List<SessionBackend> opened = new ArrayList<>();

    /** A backend on the test's store whose keys start with {@code keyPrefix}. */
    protected abstract SessionBackend createBackend(String keyPrefix);

    protected SessionBackend backend() {
        return backend("session:");
    }

    protected SessionBackend backend(String keyPrefix) {
        SessionBackend backend = createBackend(keyPrefix);
        opened.add(backend);
        return backend;
    }

    @AfterEach
    void closeBackends() {
        opened.forEach(SessionBackend::close);
    }

    protected static Instant inMinutes(long minutes) {
        return Instant.now().plus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.MILLIS);
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static ChangeSet create(Map<String, byte[]> attributes, Instant expires) {
        return new ChangeSet(attributes, Set.of(), Instant.now().truncatedTo(ChronoUnit.MILLIS), expires, true);
    }

    protected static ChangeSet change(Map<String, byte[]> put, Set<String> removed, Instant expires) {
        return new ChangeSet(put, removed, Instant.now(), expires, false);
    }

    protected static void assertAbout(Instant expected, Instant actual) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofMillis(1500)) <= 0,
                "expected about " + expected + " but was " + actual);
    }

    /**
     * How many entries the store holds in {@code owner}'s index, dead or alive, counted in the
     * store itself where the test can (a sorted set's size, files, rows); by default what the
     * index answers.
     */
    protected long storedOwnerEntries(SessionBackend backend, String owner) throws Exception {
        return backend.ownerIndex().orElseThrow().ids(owner).size();
    }

    /**
     * Sessions the dead-index test creates and lets expire for one user: thousands, so an index
     * that kept dead entries would hold thousands against the one expected (the claim is the same
     * at any such count; 10,000 cost the suite a minute, mostly on the in-JVM MongoDB server).
     */
    protected int deadSessionsForOneUser() {
        return 2_000;
    }

    @Test
    void theOwnerIndexListsEachUsersSessionsAndForgetsRemovedOnes() throws Exception {
        SessionBackend backend = backend();
        var index = backend.ownerIndex().orElseThrow();
        String alice1 = IDS.generate();
        String alice2 = IDS.generate();
        String bob = IDS.generate();
        String alice = "alice " + IDS.generate(); // unique per run, with a space: owners are any text
        String bobName = "bob/" + IDS.generate();
        for (String id : List.of(alice1, alice2, bob)) {
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        }
        index.add(alice, alice1, inMinutes(60));
        index.add(alice, alice2, inMinutes(60));
        index.add(bobName, bob, inMinutes(60));

        assertEquals(Set.of(alice1, alice2), index.ids(alice));
        assertEquals(Set.of(bob), index.ids(bobName));
        index.remove(alice, alice1);
        index.remove(alice, bob); // not hers: changes nothing
        assertEquals(Set.of(alice2), index.ids(alice));
        assertEquals(Set.of(bob), index.ids(bobName));
        assertEquals(Set.of(), index.ids("nobody " + IDS.generate()));
    }

    @Test
    void concurrentAddsForOneUserLoseNoEntry() throws Exception {
        SessionBackend backend = backend();
        var index = backend.ownerIndex().orElseThrow();
        String owner = "carol " + IDS.generate();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
            ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> adds = new ArrayList<>();
            for (String id : ids) {
                adds.add(pool.submit(() -> {
                    start.await();
                    index.add(owner, id, inMinutes(60));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> add : adds) {
                add.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Set.copyOf(ids), index.ids(owner));
    }

    /**
     * Spring Session's index grows with every session a user ever had; ours must not: thousands
     * of short sessions of one user, all expired, leave at most the one live entry behind once
     * the index is next written and the store's purge (where it has one) has run.
     */
    @Test
    void theOwnerIndexNeverGrowsWithDeadSessions() throws Exception {
        SessionBackend backend = backend();
        var index = backend.ownerIndex().orElseThrow();
        String owner = "dave " + IDS.generate();
        int count = deadSessionsForOneUser();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Instant last = Instant.now();
        try {
            List<Future<Instant>> batches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int share = count / 4;
                batches.add(pool.submit(() -> {
                    Instant latest = Instant.now();
                    for (int i = 0; i < share; i++) {
                        String id = IDS.generate();
                        latest = Instant.now().plusMillis(300).truncatedTo(ChronoUnit.MILLIS);
                        backend.apply(id, create(Map.of("a", bytes("1")), latest));
                        index.add(owner, id, latest);
                    }
                    return latest;
                }));
            }
            for (Future<Instant> batch : batches) {
                Instant done = batch.get(10, TimeUnit.MINUTES);
                last = done.isAfter(last) ? done : last;
            }
        } finally {
            pool.shutdownNow();
        }
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), last).toMillis()) + 2100);

        String live = IDS.generate();
        backend.apply(live, create(Map.of("a", bytes("1")), inMinutes(30)));
        index.add(owner, live, inMinutes(60));
        backend.purgeExpired(); // what the core runs on stores without expiry of their own

        assertEquals(Set.of(live), index.ids(owner));
        assertEquals(1, storedOwnerEntries(backend, owner), "entries of dead sessions left in the store's index");
    }

    @Test
    void unknownIdLoadsNothing() {
        assertEquals(Optional.empty(), backend().load(IDS.generate()));
    }

    @Test
    void newSessionIsStoredWithItsTimes() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        Instant expires = inMinutes(30);
        ChangeSet first = create(Map.of("a", bytes("1"), "b", bytes("2")), expires);
        assertTrue(backend.apply(id, first));

        StoredSession stored = backend.load(id).orElseThrow();
        assertEquals(Set.of("a", "b"), stored.attributes().keySet());
        assertArrayEquals(bytes("1"), stored.attributes().get("a"));
        assertAbout(first.created(), stored.created());
        assertAbout(expires, stored.expires());
    }

    @Test
    void applyWritesOnlyTheChangedAttributes() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("keep", bytes("k"), "change", bytes("old"), "drop", bytes("d")), inMinutes(30)));

        assertTrue(backend.apply(id, change(Map.of("change", bytes("new"), "add", bytes("x")), Set.of("drop"), inMinutes(30))));

        Map<String, byte[]> attributes = backend.load(id).orElseThrow().attributes();
        assertEquals(Set.of("keep", "change", "add"), attributes.keySet());
        assertArrayEquals(bytes("k"), attributes.get("keep"));
        assertArrayEquals(bytes("new"), attributes.get("change"));
    }

    @Test
    void changesToAVanishedSessionDoNotResurrectIt() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        backend.delete(id);

        assertFalse(backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(30))));
        assertEquals(Optional.empty(), backend.load(id));
    }

    @Test
    void deleteForgetsTheSessionAndToleratesUnknownIds() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));

        backend.delete(id);
        backend.delete(IDS.generate());

        assertEquals(Optional.empty(), backend.load(id));
    }

    @Test
    void loadReportsTheStoredExpiryAndLeavesItThere() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        Instant expires = inMinutes(5);
        backend.apply(id, create(Map.of("a", bytes("1")), expires));

        assertAbout(expires, backend.load(id).orElseThrow().expires());
        assertAbout(expires, backend.load(id).orElseThrow().expires());
    }

    @Test
    void touchMovesTheExpiryOfLiveSessionsOnly() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

        Instant later = inMinutes(90);
        assertTrue(backend.touch(id, later));
        assertAbout(later, backend.load(id).orElseThrow().expires());
        assertFalse(backend.touch(IDS.generate(), later));
    }

    @Test
    void changeIdMovesTheDataAndForgetsTheOldId() {
        SessionBackend backend = backend();
        String oldId = IDS.generate();
        String newId = IDS.generate();
        backend.apply(oldId, create(Map.of("user", bytes("alice")), inMinutes(30)));

        assertTrue(backend.changeId(oldId, newId));

        assertEquals(Optional.empty(), backend.load(oldId));
        assertArrayEquals(bytes("alice"), backend.load(newId).orElseThrow().attributes().get("user"));
        assertFalse(backend.changeId(IDS.generate(), IDS.generate()));
    }

    /**
     * Many sessions read at once (a user's list, {@link SessionBackend#loadAll}): the live ones as
     * {@code load} returns them, across more than one batch of the backends that read in batches
     * (Redis 1,000, SQL 500), and neither an unknown nor an expired one.
     */
    @Test
    void loadAllReturnsTheLiveSessionsAsLoadDoes() throws InterruptedException {
        SessionBackend backend = backend();
        String expiring = IDS.generate();
        backend.apply(expiring, create(Map.of("a", bytes("gone")), Instant.now().plusMillis(1000)));
        long expired = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2100);
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 1003; i++) {
            String id = IDS.generate();
            assertTrue(backend.apply(id, create(Map.of("n", bytes(Integer.toString(i))), inMinutes(30))));
            live.add(id);
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, expired - System.nanoTime()));
        List<String> asked = new ArrayList<>(live);
        asked.add(500, IDS.generate());
        asked.add(expiring);

        Map<String, StoredSession> found = backend.loadAll(asked);

        assertEquals(Set.copyOf(live), found.keySet());
        for (int i = 0; i < live.size(); i++) {
            assertArrayEquals(bytes(Integer.toString(i)), found.get(live.get(i)).attributes().get("n"), "session " + i);
        }
        StoredSession one = backend.load(live.get(7)).orElseThrow();
        assertEquals(one.created(), found.get(live.get(7)).created());
        assertEquals(one.expires(), found.get(live.get(7)).expires());
        assertEquals(Map.of(), backend.loadAll(List.of()));
    }

    @Test
    void anExpiredSessionIsNeverReturned() throws InterruptedException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), Instant.now().plusMillis(1000)));
        assertTrue(backend.load(id).isPresent());

        Thread.sleep(2100);

        assertEquals(Optional.empty(), backend.load(id));
        assertFalse(backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(5))));
    }

    @Test
    void purgeRemovesExpiredSessionsOnlyWhereTheStoreCannot() throws InterruptedException {
        SessionBackend backend = backend();
        String expiring = IDS.generate();
        String live = IDS.generate();
        backend.apply(expiring, create(Map.of("a", bytes("1")), Instant.now().plusMillis(1000)));
        backend.apply(live, create(Map.of("a", bytes("1")), inMinutes(30)));
        Thread.sleep(2100);

        int purged = backend.purgeExpired();

        if (backend.expiresEntriesItself()) {
            assertEquals(0, purged);
        } else {
            assertTrue(purged >= 1, "purged " + purged);
        }
        assertTrue(backend.load(live).isPresent());
    }

    @Test
    void concurrentChangesToDifferentAttributesAreAllKept() throws Exception {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("start", bytes("0")), inMinutes(30)));
        int writers = 50;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String name = "k" + i;
            results.add(pool.submit(() -> {
                go.await();
                return backend.apply(id, change(Map.of(name, bytes(name)), Set.of(), inMinutes(30)));
            }));
        }
        go.countDown();
        for (Future<Boolean> result : results) {
            assertTrue(result.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        Map<String, byte[]> attributes = backend.load(id).orElseThrow().attributes();
        for (int i = 0; i < writers; i++) {
            assertArrayEquals(bytes("k" + i), attributes.get("k" + i), "attribute k" + i);
        }
        assertEquals(writers + 1, attributes.size());
    }

    @Test
    void keyPrefixesSeparateApplications() {
        SessionBackend shop = backend("shop:");
        SessionBackend blog = backend("blog:");
        String id = IDS.generate();
        shop.apply(id, create(Map.of("cart", bytes("3 items")), inMinutes(30)));

        assertEquals(Optional.empty(), blog.load(id));
        assertTrue(shop.load(id).isPresent());
    }

    @Test
    void anyBytesAndAwkwardNamesRoundTrip() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        Map<String, byte[]> attributes = new HashMap<>();
        attributes.put("every.byte", everyByte);
        attributes.put("$where", bytes("{\"$gt\": \"\"}"));
        attributes.put("ünï cödé name", bytes("ü"));
        attributes.put("empty", new byte[0]);
        attributes.put("big", new byte[60_000]);
        backend.apply(id, create(attributes, inMinutes(30)));

        Map<String, byte[]> loaded = backend.load(id).orElseThrow().attributes();
        assertEquals(attributes.keySet(), loaded.keySet());
        attributes.forEach((name, value) -> assertArrayEquals(value, loaded.get(name), name));
    }

    // SESSION_LOCKING: the lock primitive every store offers (issue 20)

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aLockIsHeldByOneTokenUntilThatTokenUnlocksIt() {
        SessionBackend backend = backend();
        String id = IDS.generate();

        assertTrue(backend.tryLock(id, "token-a", LEASE));
        assertFalse(backend.tryLock(id, "token-b", LEASE), "held by a");
        assertTrue(backend.tryLock(id, "token-a", LEASE), "asking again with the holding token (a retry) is no refusal");
        assertFalse(backend.unlock(id, "token-b"), "b cannot release a's lock");
        assertFalse(backend.tryLock(id, "token-b", LEASE), "still held by a");
        assertTrue(backend.unlock(id, "token-a"));
        assertFalse(backend.unlock(id, "token-a"), "released already");
        assertTrue(backend.tryLock(id, "token-b", LEASE), "free again");
        assertTrue(backend.unlock(id, "token-b"));
    }

    @Test
    void aLockWhoseLeaseRanOutIsFreeAndItsFormerHolderCannotReleaseTheNextOne() throws Exception {
        SessionBackend backend = backend();
        String id = IDS.generate();
        assertTrue(backend.tryLock(id, "dead-holder", Duration.ofSeconds(1)));
        assertFalse(backend.tryLock(id, "next", LEASE), "the lease has not run out yet");

        long start = System.nanoTime();
        while (!backend.tryLock(id, "next", LEASE)) {
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a 1 s lease still held after 5 s");
            Thread.sleep(50);
        }
        assertFalse(backend.unlock(id, "dead-holder"), "the lease ran out: the lock is someone else's now");
        assertFalse(backend.tryLock(id, "dead-holder", LEASE), "held by next");
        assertTrue(backend.unlock(id, "next"));
    }

    /** What keeps a running request's lock (the library renews every third of the lease). */
    @Test
    void askingAgainWithTheHoldingTokenRenewsTheLease() throws Exception {
        SessionBackend backend = backend();
        String id = IDS.generate();
        long start = System.nanoTime();
        assertTrue(backend.tryLock(id, "holder", Duration.ofSeconds(2)));
        Thread.sleep(1200);
        assertTrue(backend.tryLock(id, "holder", Duration.ofSeconds(4)), "renewed");
        Thread.sleep(Math.max(0, 2600 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        assertFalse(backend.tryLock(id, "next", LEASE), "2.6 s after a 2 s lease, renewed at 1.2 s for 4 s: still held");
        assertTrue(backend.unlock(id, "holder"));
        assertTrue(backend.tryLock(id, "next", LEASE));
        assertTrue(backend.unlock(id, "next"));
    }

    @Test
    void locksOfDifferentSessionsAreIndependentAndNoPartOfTheSession() {
        SessionBackend backend = backend();
        String stored = IDS.generate();
        String other = IDS.generate();
        String unknown = IDS.generate();
        backend.apply(stored, create(Map.of("cart", bytes("3 items")), inMinutes(30)));

        assertTrue(backend.tryLock(stored, "a", LEASE));
        assertTrue(backend.tryLock(other, "b", LEASE), "another session's lock is free");
        assertTrue(backend.tryLock(unknown, "c", LEASE), "an id the store has no session for can be locked");

        StoredSession loaded = backend.load(stored).orElseThrow();
        assertEquals(Set.of("cart"), loaded.attributes().keySet(), "the lock is not an attribute");
        assertEquals(Optional.empty(), backend.load(unknown), "a lock is no session");
        assertTrue(backend.apply(stored, change(Map.of("cart", bytes("4 items")), Set.of(), inMinutes(30))));
        String renamed = IDS.generate();
        assertTrue(backend.changeId(stored, renamed), "a locked session can be renamed");
        assertArrayEquals(bytes("4 items"), backend.load(renamed).orElseThrow().attributes().get("cart"));
        backend.delete(renamed);
        assertEquals(Optional.empty(), backend.load(stored));

        assertTrue(backend.unlock(stored, "a"), "the lock outlives the rename and delete of its session's data");
        assertTrue(backend.unlock(other, "b"));
        assertTrue(backend.unlock(unknown, "c"));
    }

    @Test
    void exactlyOneOfManyConcurrentTakersGetsTheLock() throws Exception {
        SessionBackend first = backend();
        SessionBackend second = backend(); // another client on the same store, as another server
        int takers = 16;
        for (int round = 0; round < 5; round++) {
            String id = IDS.generate();
            ExecutorService pool = Executors.newFixedThreadPool(takers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> taken = new ArrayList<>();
                for (int i = 0; i < takers; i++) {
                    SessionBackend backend = i % 2 == 0 ? first : second;
                    String token = "taker-" + i;
                    taken.add(pool.submit(() -> {
                        start.await();
                        return backend.tryLock(id, token, LEASE);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : taken) {
                    winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners, "round " + round);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- Expired sessions claimed for sessionDestroyed (SessionBackend.claimExpired) ----

    private static final Duration GRACE = Duration.ofMinutes(5);

    /**
     * Everything the store holds, as a reader of the store sees it (a dump, a backup, a replica):
     * every key, document, row or file name with its contents, binary values as ISO-8859-1 text.
     */
    protected abstract String storeDump() throws Exception;

    /**
     * The request rules on this store, through {@code RequestSession}: sessions created, logged in
     * (the owner index), renamed, one invalidated, one locked by a request still running, with
     * expired sessions kept for claims where the store lists them (Redis's {@code !expiries}). A
     * reader of the whole store finds the private id of each session, and nowhere an id or a
     * cookie a client could send: with the signer on, the id is what comes before the signature.
     */
    @Test
    void aReaderOfTheStoreFindsNoIdAClientCouldSend() throws Exception {
        SessionBackend store = backend("reader:");
        if (claimsExpired()) {
            assertTrue(store.keepExpiredForClaims(GRACE));
        }
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_LOCKING", "true",
                "SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", "a-store-reader-must-not-learn-ids-0123456789")),
                getClass().getClassLoader(), Clock.systemUTC());
        runtime.useApplicationBackend(() -> store);
        List<String> cookies = new ArrayList<>();
        RequestSession anonymous = runtime.open(null);
        anonymous.put("cart", "3 items");
        cookies.add(runtime.ids().cookieValue(anonymous.save().id()));
        anonymous.releaseLocks();
        RequestSession login = runtime.open(cookies.get(0));
        login.regenerate();
        login.setOwner("alice");
        String alices = runtime.ids().cookieValue(login.save().id());
        cookies.add(alices);
        login.releaseLocks();
        RequestSession phone = runtime.open(null);
        phone.setOwner("alice");
        cookies.add(runtime.ids().cookieValue(phone.save().id()));
        phone.releaseLocks();
        RequestSession ended = runtime.open(null);
        ended.put("cart", "1 item");
        String endedCookie = runtime.ids().cookieValue(ended.save().id());
        cookies.add(endedCookie);
        ended.releaseLocks();
        RequestSession logout = runtime.open(endedCookie);
        logout.invalidate();
        logout.save();
        logout.releaseLocks();
        assertEquals(2, runtime.userSessions().list("alice").size(), "both of alice's sessions are indexed");
        RequestSession running = runtime.open(alices);
        assertEquals("3 items", running.get("cart")); // holds the session's lock while the store is read
        try {
            String dump = storeDump();
            for (String cookie : cookies) {
                String id = PrivateIds.idOf(cookie);
                assertFalse(dump.contains(id), "the store holds session id " + id + " a client could send");
            }
            assertTrue(dump.contains(PrivateIds.of(alices)), "the reader sees the store: " + dump.length() + " chars");
        } finally {
            running.releaseLocks();
        }
    }

    /**
     * Whether this store can list what expired ({@link SessionBackend#keepExpiredForClaims}); a
     * store that cannot says so by answering false there, which its test asserts.
     */
    protected boolean claimsExpired() {
        return true;
    }

    /** A backend on a key prefix of its own that keeps expired sessions for claims, as the core asks at start-up. */
    private SessionBackend claiming(String keyPrefix) {
        SessionBackend backend = backend(keyPrefix);
        assertTrue(backend.keepExpiredForClaims(GRACE), backend.describe() + " keeps expired sessions for claims");
        return backend;
    }

    private static void awaitExpiry(SessionBackend backend, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ids.stream().anyMatch(id -> backend.load(id).isPresent())) {
            assertTrue(System.nanoTime() < deadline, "the sessions expire");
            Thread.sleep(50);
        }
        Thread.sleep(20); // past the expiry by the store's own check too
    }

    @Test
    void aStoreThatCannotListExpiriesSaysSo() {
        SessionBackend backend = backend();
        if (!claimsExpired()) {
            assertFalse(backend.keepExpiredForClaims(GRACE));
        } else {
            assertTrue(backend.keepExpiredForClaims(GRACE));
        }
    }

    @Test
    void expiredSessionsAreClaimedExactlyOnceByRacingClaimersAndLiveOnesNever() throws Exception {
        if (!claimsExpired()) {
            return; // aStoreThatCannotListExpiriesSaysSo
        }
        String prefix = "claims-" + IDS.generate().substring(0, 8) + ":";
        SessionBackend first = claiming(prefix);
        SessionBackend second = claiming(prefix); // another server on the same store
        SessionBackend otherApplication = claiming("other-" + prefix);
        SessionBackend nestedApplication = claiming(prefix + "nested:"); // a prefix that starts with this one
        Map<String, String> expiring = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            String id = IDS.generate();
            expiring.put(id, "value " + i);
            (i % 2 == 0 ? first : second).apply(id, create(Map.of("a", bytes("value " + i), "b", new byte[] {0, (byte) 255}),
                    Instant.now().plusMillis(600)));
        }
        String live = IDS.generate();
        first.apply(live, create(Map.of("a", bytes("live")), inMinutes(30)));
        String foreign = IDS.generate();
        otherApplication.apply(foreign, create(Map.of("a", bytes("foreign")), Instant.now().plusMillis(600)));
        String nested = IDS.generate();
        nestedApplication.apply(nested, create(Map.of("a", bytes("nested")), Instant.now().plusMillis(600)));
        awaitExpiry(first, List.copyOf(expiring.keySet()));
        awaitExpiry(otherApplication, List.of(foreign));
        awaitExpiry(nestedApplication, List.of(nested));
        first.purgeExpired(); // what the core also runs: it leaves expired sessions to the claims

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<Map<String, StoredSession>>>> claimers = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                SessionBackend claimer = i % 2 == 0 ? first : second;
                claimers.add(pool.submit(() -> {
                    start.await();
                    List<Map<String, StoredSession>> batches = new ArrayList<>();
                    Map<String, StoredSession> batch;
                    do {
                        batch = claimer.claimExpired(3);
                        assertTrue(batch.size() <= 3, "at most the batch asked for: " + batch.size());
                        batches.add(batch);
                    } while (!batch.isEmpty());
                    return batches;
                }));
            }
            start.countDown();
            Map<String, StoredSession> claimed = new HashMap<>();
            int claims = 0;
            for (Future<List<Map<String, StoredSession>>> claimer : claimers) {
                for (Map<String, StoredSession> batch : claimer.get(60, TimeUnit.SECONDS)) {
                    claims += batch.size();
                    claimed.putAll(batch);
                }
            }
            assertEquals(expiring.keySet(), claimed.keySet(), "every expired session of this prefix, nothing else");
            assertEquals(expiring.size(), claims, "none claimed twice");
            claimed.forEach((id, session) -> {
                assertArrayEquals(bytes(expiring.get(id)), session.attributes().get("a"), "the attributes come with it");
                assertArrayEquals(new byte[] {0, (byte) 255}, session.attributes().get("b"));
                assertFalse(session.expires().isAfter(Instant.now()), "its expiry has passed");
            });
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Map.of(), first.claimExpired(100), "gone once claimed");
        assertTrue(first.load(live).isPresent(), "a live session is never taken");
        assertEquals(Set.of(foreign), otherApplication.claimExpired(100).keySet(), "another key prefix's session is its own");
        assertEquals(Set.of(nested), nestedApplication.claimExpired(100).keySet(), "so is a longer prefix's");
    }

    @Test
    void aSessionSlidOrRenamedBeforeItsExpiryIsClaimedByItsExpiryAndId() throws Exception {
        if (!claimsExpired()) {
            return;
        }
        String prefix = "slides-" + IDS.generate().substring(0, 8) + ":";
        SessionBackend backend = claiming(prefix);
        String slid = IDS.generate();
        String renamed = IDS.generate();
        String newId = IDS.generate();
        Instant soon = Instant.now().plusMillis(600);
        backend.apply(slid, create(Map.of("a", bytes("slid")), soon));
        backend.apply(renamed, create(Map.of("a", bytes("renamed")), soon));
        assertTrue(backend.touch(slid, inMinutes(30)));
        assertTrue(backend.changeId(renamed, newId));
        awaitExpiry(backend, List.of(newId));

        Map<String, StoredSession> claimed = backend.claimExpired(100);

        assertEquals(Set.of(newId), claimed.keySet(), "the renamed session under its new id; the slid one lives");
        assertArrayEquals(bytes("renamed"), claimed.get(newId).attributes().get("a"));
        assertTrue(backend.load(slid).isPresent());
        assertFalse(backend.touch(newId, inMinutes(30)), "a claimed session cannot be slid back to life");
    }

    @Test
    void anExpiredSessionKeptForTheClaimIsGoneForEveryRequestCall() throws Exception {
        if (!claimsExpired()) {
            return;
        }
        SessionBackend backend = claiming("kept-" + IDS.generate().substring(0, 8) + ":");
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), Instant.now().plusMillis(600)));
        awaitExpiry(backend, List.of(id));

        assertEquals(Optional.empty(), backend.load(id));
        assertFalse(backend.touch(id, inMinutes(5)), "no slide");
        assertFalse(backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(5))), "no change");
        assertFalse(backend.changeId(id, IDS.generate()), "no rename");
        assertEquals(Set.of(id), backend.claimExpired(10).keySet(), "still there for the claim");
    }
}

package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.MemcachedServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backend contract against a real memcached, plus what only memcached can show. */
class MemcachedSessionBackendTest extends SessionBackendContract {
    static final Duration TIMEOUT = Duration.ofMillis(1000);
    private static MemcachedServer memcached;

    @BeforeAll
    static void startMemcached() {
        memcached = MemcachedServer.start();
    }

    @AfterAll
    static void stopMemcached() {
        if (memcached != null) {
            memcached.close();
        }
    }

    /** Every key memcached holds, with its value. */
    @Override
    protected String storeDump() {
        StringBuilder dump = new StringBuilder();
        for (String key : memcached.keys()) {
            byte[] value = memcached.rawGet(key);
            dump.append(key).append(" = ").append(value == null ? "" : new String(value, java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
        }
        return dump.toString();
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return MemcachedSessionBackend.withOwnClient(settings(memcached.address()), keyPrefix, Clock.systemUTC());
    }

    static MemcachedSettings settings(String nodes) {
        ConfigValues values = new ConfigValues(SettingsSource.of(Map.of("SESSION_MEMCACHED", nodes,
                "SESSION_MEMCACHED_TIMEOUT_MS", String.valueOf(TIMEOUT.toMillis()))));
        MemcachedSettings settings = MemcachedSettings.read(values);
        values.throwIfInvalid();
        return settings;
    }

    @Override
    protected long storedOwnerEntries(SessionBackend backend, String owner) {
        return ((MemcachedSessionBackend) backend).memcachedOwnerIndex().size(owner);
    }

    /** Around and beyond memcached's 30-day line between relative and absolute expiry times. */
    @ParameterizedTest
    @ValueSource(longs = {2_591_998, 2_591_999, 2_592_000, 2_592_001, 2_678_400, 3_000_000, 315_360_000})
    void lifetimesOfAboutThirtyDaysAndLongerAreStoredAndReadable(long lifetimeSeconds) {
        SessionBackend backend = backend();
        String id = IDS.generate();
        Instant expires = Instant.now().plusSeconds(lifetimeSeconds);
        assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), expires)));

        StoredSession stored = backend.load(id).orElseThrow(() -> new AssertionError("memcached dropped a session with lifetime " + lifetimeSeconds));
        assertAbout(expires, stored.expires());
        assertNotNull(memcached.rawGet("session:" + id), "memcached holds the item");
    }

    @Test
    void slidingTheDefaultThirtyOneDayLifetimeKeepsTheSession() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

        Instant thirtyOneDays = Instant.now().plusSeconds(2_678_400);
        assertTrue(backend.touch(id, thirtyOneDays));

        assertAbout(thirtyOneDays, backend.load(id).orElseThrow().expires());
    }

    @Test
    void aSessionWithATwoSecondLifetimeIsGoneAfterThreeSecondsAndMemcachedForgetsIt() throws InterruptedException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), Instant.now().plusSeconds(2)));
        assertTrue(backend.load(id).isPresent());

        Thread.sleep(3000);

        assertEquals(Optional.empty(), backend.load(id));
        long deadline = System.currentTimeMillis() + 3000;
        while (memcached.rawGet("session:" + id) != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertNull(memcached.rawGet("session:" + id), "memcached expires the item itself: its TTL was set, not 0 (never)");
    }

    @Test
    void aSlidingReadMovesMemcachedsOwnExpiryToo() throws InterruptedException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), Instant.now().plusSeconds(2)));

        Instant later = inMinutes(10);
        assertTrue(backend.touch(id, later));
        Thread.sleep(3500);

        StoredSession stored = backend.load(id).orElseThrow(() -> new AssertionError("the slide did not reach memcached"));
        assertAbout(later, stored.expires());
    }

    @Test
    void aLoadIsOneGetsAndWritesNothingAndATouchIsAGetAndTouchPlusOneAppend() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

        Map<String, Long> before = memcached.stats();
        backend.load(id);
        Map<String, Long> read = memcached.stats();
        backend.touch(id, inMinutes(30));
        Map<String, Long> slid = memcached.stats();

        assertEquals(Map.of("cmd_get", 1L, "cmd_touch", 0L, "cmd_set", 0L), commands(before, read), "load: a pure read");
        assertEquals(Map.of("cmd_get", 0L, "cmd_touch", 1L, "cmd_set", 1L), commands(read, slid), "touch");
    }

    /** The request's own load is the read of its gets/CAS: a write costs one more round trip, the cas. */
    @Test
    void aChangeToTheSessionAsLoadedIsOneCasWithoutAnotherRead() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        StoredSession loaded = backend.load(id).orElseThrow();

        Map<String, Long> before = memcached.stats();
        assertTrue(backend.apply(id, new ChangeSet(Map.of("b", bytes("2")), Set.of(), loaded.created(), inMinutes(30), false,
                loaded.version())));
        Map<String, Long> after = memcached.stats();

        assertEquals(Map.of("cmd_get", 0L, "cmd_touch", 0L, "cmd_set", 1L), commands(before, after));
        assertEquals(1L, after.get("cas_hits") - before.get("cas_hits"));
        StoredSession stored = backend.load(id).orElseThrow();
        assertEquals(Set.of("a", "b"), stored.attributes().keySet());
        assertAbout(inMinutes(30), stored.expires());
    }

    /** Two requests loaded the same item: the second one's cas fails, and it merges into the first one's result. */
    @Test
    void aChangeToASessionChangedSinceItsLoadIsMergedIntoTheCurrentItem() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        StoredSession first = backend.load(id).orElseThrow();
        StoredSession second = backend.load(id).orElseThrow();

        assertTrue(backend.apply(id, new ChangeSet(Map.of("b", bytes("2")), Set.of(), first.created(), inMinutes(30), false, first.version())));
        Map<String, Long> before = memcached.stats();
        assertTrue(backend.apply(id, new ChangeSet(Map.of("c", bytes("3")), Set.of("a"), second.created(), inMinutes(30), false,
                second.version())));
        Map<String, Long> after = memcached.stats();

        assertEquals(1L, after.get("cas_badval") - before.get("cas_badval"), "the stale cas was refused");
        Map<String, byte[]> attributes = backend.load(id).orElseThrow().attributes();
        assertEquals(Set.of("b", "c"), attributes.keySet(), "both changes kept");
    }

    @Test
    void aChangeWithTheVersionOfAnInvalidatedSessionDoesNotResurrectIt() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        StoredSession loaded = backend.load(id).orElseThrow();
        backend.delete(id);

        assertFalse(backend.apply(id, new ChangeSet(Map.of("b", bytes("2")), Set.of(), loaded.created(), inMinutes(30), false,
                loaded.version())));
        assertEquals(Optional.empty(), backend.load(id));
    }

    @Test
    void manySlidingReadsKeepTheItemSmall() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        int compact = memcached.rawGet("session:" + id).length;

        for (int i = 0; i < 300; i++) {
            assertTrue(backend.touch(id, inMinutes(30)));
        }

        int size = memcached.rawGet("session:" + id).length;
        assertTrue(size <= compact + 9 * (MemcachedSessionBackend.COMPACT_AFTER_SLIDES + 1),
                "item grew from " + compact + " to " + size + " bytes");
        assertArrayEquals(bytes("1"), backend.load(id).orElseThrow().attributes().get("a"));
    }

    @Test
    void aWriteFoldsTheExpiryRecordsBackIntoTheItem() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        int compact = memcached.rawGet("session:" + id).length;
        for (int i = 0; i < 5; i++) {
            backend.touch(id, inMinutes(30));
        }
        assertEquals(compact + 5 * 9, memcached.rawGet("session:" + id).length);

        backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(30)));

        assertEquals(compact, memcached.rawGet("session:" + id).length);
    }

    /**
     * Items another client stored under a session key: a plain string, a value with another
     * client's flags (spymemcached's serialized or compressed values), garbage, a truncated item
     * and one whose header looks right but whose lengths lie. Each is reported as malformed, not
     * as an outage, and a change is never written into it.
     */
    @Test
    void anItemThatIsNotASessionIsMalformedAndNeverAdopted() {
        SessionBackend backend = backend();
        byte[] session = SessionItem.create(create(Map.of("user", bytes("alice")), inMinutes(30))).toBytes();
        byte[] lyingLength = session.clone();
        lyingLength[24 + 3] = 100; // the first name's length says 100 bytes; the item is shorter
        Map<String, byte[]> items = Map.of(
                "plain string", bytes("written by someone else"),
                "serialized", new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 't', 0, 1, 'x'},
                "garbage", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26},
                "truncated", java.util.Arrays.copyOf(session, session.length - 3),
                "lying length", lyingLength);
        int flags = 0;
        for (Map.Entry<String, byte[]> item : items.entrySet()) {
            String id = IDS.generate();
            memcached.rawSet("session:" + id, item.getValue(), 300, flags++ * 2);

            assertThrows(MalformedSessionException.class, () -> backend.load(id), item.getKey());
            assertFalse(backend.apply(id, change(Map.of("a", bytes("1")), Set.of(), inMinutes(30))), "never adopted: " + item.getKey());
            assertFalse(backend.changeId(id, IDS.generate()), "never moved: " + item.getKey());
            byte[] kept = memcached.rawGet("session:" + id);
            assertArrayEquals(item.getValue(), java.util.Arrays.copyOf(kept, item.getValue().length),
                    "left as it was: " + item.getKey());
        }
    }

    /**
     * The limit the backend states holds with room to spare: a session of exactly that size,
     * as the core measures it, is stored and keeps being stored after many sliding reads (each
     * appends to the item) and a rewrite.
     */
    @Test
    void aSessionOfTheStatedMaximumFitsMemcachedsItemLimit() {
        SessionBackend backend = backend("a-key-prefix-of-some-length:");
        String id = IDS.generate();
        int value = (int) backend.maxSessionBytes() - "big".length() - SessionBackend.BYTES_PER_ATTRIBUTE;
        assertTrue(value > 1_000_000 - 2048, "close to memcached's 1 MB: " + value);
        assertTrue(backend.apply(id, create(Map.of("big", new byte[value]), inMinutes(5))));
        for (int i = 0; i < 100; i++) {
            assertTrue(backend.touch(id, inMinutes(30)), "sliding read " + i);
        }
        assertTrue(backend.apply(id, change(Map.of("big", new byte[value]), Set.of(), inMinutes(30))));
        assertEquals(value, backend.load(id).orElseThrow().attributes().get("big").length);
    }

    @Test
    void aSessionTooLargeForMemcachedIsRefusedClearlyAndTheConnectionSurvives() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        dev.serversessions.api.SessionTooLargeException refused = assertThrows(dev.serversessions.api.SessionTooLargeException.class,
                () -> backend.apply(id, create(Map.of("huge", new byte[2 * 1024 * 1024]), inMinutes(5))));
        assertTrue(refused.getMessage().contains("SESSION_MEMCACHED_MAX_ITEM_BYTES"), refused.getMessage());

        String other = IDS.generate();
        assertTrue(backend.apply(other, create(Map.of("a", bytes("1")), inMinutes(5))));
        assertTrue(backend.load(other).isPresent());
    }

    /**
     * The core keeps each request's session under the item limit, but two requests that each
     * add half of it to one session outgrow it together: the later save is dropped with a log
     * line, not a 500, and the session keeps the earlier change.
     */
    @Test
    void twoRequestsThatTogetherOutgrowTheItemLimitLoseTheLaterChangeNotTheSession() {
        dev.serversessions.internal.session.SessionRuntime runtime = dev.serversessions.internal.session.SessionRuntime.create(
                SettingsSource.of(Map.of("SESSION_TYPE", "memcached", "SESSION_MEMCACHED", memcached.address(),
                        "SESSION_SERIALIZATION_FORMAT", "json")),
                getClass().getClassLoader(), Clock.systemUTC());
        try {
            dev.serversessions.internal.session.RequestSession first = runtime.open(null);
            first.put("user", "alice");
            String id = first.save().id();
            dev.serversessions.internal.session.RequestSession a = runtime.open(id);
            dev.serversessions.internal.session.RequestSession b = runtime.open(id);
            assertEquals("alice", a.get("user"));
            assertEquals("alice", b.get("user"));
            a.put("left", "x".repeat(600_000));
            b.put("right", "y".repeat(600_000)); // each request alone is within the limit
            a.save();
            assertEquals(id, b.save().id(), "no exception; the cookie is re-sent as after any request");
            b.save(); // the end-of-request save: no exception either

            dev.serversessions.internal.session.RequestSession after = runtime.open(id);
            assertEquals("alice", after.get("user"));
            assertEquals(600_000, after.get("left", String.class).length());
            assertNull(after.get("right"));
        } finally {
            runtime.activeBackend().close();
        }
    }

    @Test
    void aSessionJustUnderTheItemLimitIsStored() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        byte[] big = new byte[MemcachedSettings.DEFAULT_MAX_ITEM_BYTES - 200];
        assertTrue(backend.apply(id, create(Map.of("big", big), inMinutes(5))));
        assertEquals(big.length, backend.load(id).orElseThrow().attributes().get("big").length);
    }

    @Test
    void anUnreachableMemcachedIsReportedWithinTheTimeoutAndTheBackendRecovers() {
        try (MemcachedServer own = MemcachedServer.start()) {
            SessionBackend backend = MemcachedSessionBackend.withOwnClient(settings(own.address()), "session:", Clock.systemUTC());
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
            own.kill();

            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class, () -> backend.load(id));
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(e.getMessage().contains("memcached " + own.address()), e.getMessage());
                assertTrue(millis < TIMEOUT.toMillis() + 300, "answered after " + millis + " ms");
            }

            own.restart();
            own.awaitClient(); // the client reconnects by itself within about a second

            assertTrue(backend.apply(id, create(Map.of("a", bytes("again")), inMinutes(5))));
            assertArrayEquals(bytes("again"), backend.load(id).orElseThrow().attributes().get("a"));
            backend.close();
        }
    }

    @Test
    void aMemcachedRestartedWhileIdleServesTheNextRequest() {
        try (MemcachedServer own = MemcachedServer.start()) {
            SessionBackend backend = MemcachedSessionBackend.withOwnClient(settings(own.address()), "session:", Clock.systemUTC());
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

            own.restart(); // no request in between: only the idle ping can notice
            own.awaitClient();

            assertEquals(Optional.empty(), backend.load(id), "a restarted memcached remembers nothing");
            assertTrue(backend.apply(id, create(Map.of("a", bytes("2")), inMinutes(5))));
            backend.close();
        }
    }

    @Test
    void closingTheBackendShutsDownItsOwnClient() {
        SessionBackend backend = createBackend("session:");
        backend.apply(IDS.generate(), create(Map.of("a", bytes("1")), inMinutes(5)));
        backend.close();

        assertThrows(SessionStoreUnavailableException.class, () -> backend.load(IDS.generate()));
    }

    static Map<String, Long> commands(Map<String, Long> before, Map<String, Long> after) {
        return Map.of("cmd_get", after.get("cmd_get") - before.get("cmd_get"),
                "cmd_touch", after.get("cmd_touch") - before.get("cmd_touch"),
                "cmd_set", after.get("cmd_set") - before.get("cmd_set"));
    }

    /** memcached cannot list its keys, nor what expired among them. */
    @Override
    protected boolean claimsExpired() {
        return false;
    }
}

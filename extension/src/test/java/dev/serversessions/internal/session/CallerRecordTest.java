package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authenticated caller kept in the session, on a real filesystem store, with hostile records. */
class CallerRecordTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user", "admin"));
    private static final Caller BOB = new Caller("bob", Set.of("user"));

    @TempDir
    Path dir;

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString()));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private SessionRuntime signing() {
        return runtime(Map.of("SESSION_SECRET_KEY", "a-long-random-test-secret-of-40-bytes-xxx"));
    }

    /** The session of the next request of a client that holds {@code id}'s cookie. */
    private static RequestSession open(SessionRuntime runtime, String id) {
        return runtime.open(id == null ? null : runtime.ids().cookieValue(id));
    }

    private static String logIn(SessionRuntime runtime, String id, Caller caller) {
        RequestSession session = open(runtime, id);
        session.logIn(caller);
        CookieAction action = session.save();
        assertEquals(CookieAction.Kind.SEND, action.kind());
        return action.id();
    }

    /** The stored bytes of one attribute, written as anyone with access to the store could. */
    private static void writeRaw(SessionRuntime runtime, String id, String name, Object value) {
        runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(Map.of(name, runtime.codec().encode(name, value)), Set.of(),
                Instant.now(), Instant.now().plusSeconds(600), false));
    }

    private static Object readRaw(SessionRuntime runtime, String id, String name) {
        byte[] bytes = runtime.activeBackend().load(PrivateIds.of(id)).orElseThrow().attributes().get(name);
        return bytes == null ? null : runtime.codec().decode(name, bytes);
    }

    @Test
    void aLoginIsStoredAsPlainStringsUnderANewIdAndComesBackOnTheNextRequest() {
        SessionRuntime runtime = signing();
        RequestSession before = open(runtime, null);
        before.put("cart", "2 items");
        String oldId = before.save().id();

        String newId = logIn(runtime, oldId, ALICE);
        assertNotEquals(oldId, newId, "a login gets a new id");
        assertEquals(Optional.empty(), runtime.activeBackend().load(PrivateIds.of(oldId)), "the pre-login id is gone");
        Object stored = readRaw(runtime, newId, RequestSession.CALLER);
        assertTrue(stored instanceof List<?> list && list.stream().allMatch(String.class::isInstance), "plain strings: " + stored);

        RequestSession next = open(runtime, newId);
        assertEquals(Optional.of(ALICE), next.caller());
        assertEquals(List.of("admin", "user"), new ArrayList<>(next.caller().orElseThrow().groups()), "groups sorted");
        assertEquals("2 items", next.get("cart"));
        assertEquals(Set.of("cart"), next.names(), "the record is the library's, hidden from the application");
    }

    @Test
    void theJsonCodecStoresAndReadsTheCallerToo() {
        SessionRuntime runtime = runtime(Map.of("SESSION_SERIALIZATION_FORMAT", "json", "SESSION_SECRET_KEY", "a-long-random-test-secret-of-40-bytes-xxx"));
        String id = logIn(runtime, null, ALICE);
        assertEquals(Optional.of(ALICE), open(runtime, id).caller());
    }

    @Test
    void aSessionHoldingOnlyALoginIsKept() {
        SessionRuntime runtime = runtime(Map.of());
        String id = logIn(runtime, null, BOB);
        assertEquals(Optional.of(BOB), open(runtime, id).caller());
    }

    @Test
    void regenerateSignsTheRecordAgainForTheNewId() {
        SessionRuntime runtime = signing();
        String id = logIn(runtime, null, ALICE);
        RequestSession session = open(runtime, id);
        session.regenerate();
        String newId = session.save().id();
        assertNotEquals(id, newId);
        assertEquals(Optional.of(ALICE), open(runtime, newId).caller());
    }

    @Test
    void withTheSecretKeyARecordWithEditedGroupsIsIgnoredAndLoggedByTag() {
        SessionRuntime runtime = signing();
        String id = logIn(runtime, null, BOB);
        List<Object> record = new ArrayList<>((List<?>) readRaw(runtime, id, RequestSession.CALLER));
        record.add(3, "admin"); // same name, same MAC, one more group
        writeRaw(runtime, id, RequestSession.CALLER, record);

        List<String> logged = new ArrayList<>();
        Logger logger = Logger.getLogger(RequestSession.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            RequestSession session = open(runtime, id);
            assertEquals(Optional.empty(), session.caller(), "an edited record is never trusted");
            assertEquals(Optional.empty(), session.caller());
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, logged.size(), "one line per request: " + logged);
        assertTrue(logged.get(0).contains(SessionIds.logTag(id)), logged.get(0));
        assertTrue(!logged.get(0).contains(id), "never the id itself");
    }

    @Test
    void withTheSecretKeyAValidRecordCopiedIntoAnotherSessionIsIgnored() {
        SessionRuntime runtime = signing();
        String alice = logIn(runtime, null, ALICE);
        String bob = logIn(runtime, null, BOB);
        writeRaw(runtime, bob, RequestSession.CALLER, readRaw(runtime, alice, RequestSession.CALLER));
        assertEquals(Optional.empty(), open(runtime, bob).caller());
        assertEquals(Optional.of(ALICE), open(runtime, alice).caller());
    }

    @Test
    void aRecordSignedWithAnotherKeyIsIgnored() {
        String id = logIn(signing(), null, ALICE);
        SessionRuntime otherKey = runtime(Map.of("SESSION_SECRET_KEY", "another-long-random-test-secret-of-40-bytes"));
        assertEquals(Optional.empty(), open(otherKey, id).caller());
    }

    @Test
    void recordsOfAnotherShapeAreIgnored() {
        SessionRuntime runtime = runtime(Map.of());
        String id = logIn(runtime, null, BOB);
        for (Object hostile : List.of("alice", List.of("caller/1"), List.of("caller/2", "alice", "", "admin"),
                List.of("caller/1", "", "", "admin"), List.of("caller/1", "alice", "", "admin", "admin"),
                new ArrayList<>(List.of("caller/1", "alice", "", 7)))) {
            writeRaw(runtime, id, RequestSession.CALLER, hostile);
            assertEquals(Optional.empty(), open(runtime, id).caller(), "accepted: " + hostile);
        }
    }

    @Test
    void withoutTheSecretKeyTheStoreIsTrusted() {
        // the documented threat model: without SESSION_SECRET_KEY whoever writes the store decides
        SessionRuntime runtime = runtime(Map.of());
        String id = logIn(runtime, null, BOB);
        writeRaw(runtime, id, RequestSession.CALLER, new ArrayList<>(List.of("caller/1", "bob", "", "admin", "user")));
        assertEquals(Optional.of(new Caller("bob", Set.of("admin", "user"))), open(runtime, id).caller(), "the edited groups are taken as stored");
    }

    @Test
    void invalidateDropsTheLogin() {
        SessionRuntime runtime = signing();
        String id = logIn(runtime, null, ALICE);
        RequestSession session = open(runtime, id);
        session.invalidate();
        session.save();
        assertEquals(Optional.empty(), open(runtime, id).caller());
    }
}

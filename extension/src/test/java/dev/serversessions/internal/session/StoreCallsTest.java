package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store calls of one request, each with its race check, on a real filesystem store. */
class StoreCallsTest {
    @TempDir
    Path dir;

    private SessionRuntime runtime;
    private SessionBackend backend;

    @BeforeEach
    void store() {
        runtime = RequestParts.runtime(dir, "SESSION_REFRESH_EACH_REQUEST", "false");
        backend = runtime.activeBackend();
    }

    /** The parts of one request, wired as {@link RequestSession} wires them. */
    private final class Request {
        final SessionAttributes attributes = RequestParts.attributes(runtime);
        final SessionIdentity identity;
        final SessionExpiry expiry = new SessionExpiry(attributes, runtime.settings());
        final SessionOwner owner;
        final StoreCalls store;

        Request(String requestedId) {
            identity = new SessionIdentity(runtime.ids(), runtime.retiredIds(), requestedId,
                    requestedId == null ? RequestSession.IdSource.NONE : RequestSession.IdSource.COOKIE, false);
            owner = new SessionOwner(attributes, runtime.userSessions(), runtime.recordSigner(), identity::id);
            store = new StoreCalls(identity, attributes, expiry, new HeldLocks(runtime, this), owner, runtime::metrics);
            if (requestedId == null || !store.load(backend, requestedId, Instant.now())) {
                identity.startNew(true);
                expiry.fresh(Instant.now());
            }
        }

        void put(String name, Object value) {
            attributes.put(name, value, attributes.checkSize(name, attributes.encodeForPut(name, value)));
        }

        StoreCalls.Written save() {
            Map<String, byte[]> current = attributes.toWrite(() -> "tag");
            StoreCalls.Written written = store.write(backend, current, Instant.now());
            attributes.written(current);
            return written;
        }
    }

    /** Another request of this server that loads session {@code id} and gives it a new id. */
    private Request renames(String id) {
        Request request = new Request(id);
        request.identity.regenerate();
        request.save();
        return request;
    }

    private String newSession() {
        Request first = new Request(null);
        first.put("user", "alice");
        first.save();
        return first.identity.storedId();
    }

    @Test
    void aNewSessionIsStoredUnderANewIdWithAFullLifetime() {
        Request request = new Request(null);
        request.put("user", "alice");

        StoreCalls.Written written = request.save();

        assertTrue(written.idChanged() && written.changed());
        assertEquals(written.newExpiry(), written.storedExpiry());
        StoredSession stored = backend.load(PrivateIds.of(request.identity.storedId())).orElseThrow();
        assertEquals("alice", runtime.codec().decode("user", stored.attributes().get("user")));
    }

    @Test
    void aSaveThatChangesNothingWritesNothingAndKeepsTheStoredExpiry() {
        Request request = new Request(newSession());
        Instant before = request.expiry.expires();

        StoreCalls.Written written = request.save();

        assertFalse(written.changed() || written.idChanged());
        assertEquals(before, written.storedExpiry());
    }

    @Test
    void aChangeToASessionAnotherRequestDeletedIsARaceLostNotAResurrection() {
        String id = newSession();
        Request late = new Request(id);
        Request logout = new Request(id);
        logout.store.invalidated(id, null);
        logout.store.deleteInvalidated(backend);

        late.put("note", "late");
        StoreCalls.RaceLost lost = assertThrows(StoreCalls.RaceLost.class, late::save);

        assertTrue(lost.getMessage().contains("invalidated"), lost.getMessage());
        assertTrue(backend.load(PrivateIds.of(id)).isEmpty());
    }

    @Test
    void aRegenerateOfASessionAnotherRequestRenamedIsARaceLost() {
        String id = newSession();
        Request second = new Request(id);
        Request first = renames(id);

        second.identity.regenerate();
        assertThrows(StoreCalls.RaceLost.class, second::save);
        assertTrue(backend.load(PrivateIds.of(first.identity.storedId())).isPresent(), "the first rename stands");
    }

    @Test
    void clearingASessionAnotherRequestRenamedIsARaceLostSoTheLoginsCookieSurvives() {
        String id = newSession();
        Request clearing = new Request(id);
        Request login = renames(id);

        assertThrows(StoreCalls.RaceLost.class, () -> clearing.store.deleteEmpty(backend));
        assertTrue(backend.load(PrivateIds.of(login.identity.storedId())).isPresent());
    }

    @Test
    void anEntryThatIsNotASessionLoadsAsNoneAndStaysInTheStore() throws Exception {
        String id = newSession();
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).findFirst().orElseThrow();
        }
        Files.writeString(file, "not a session file");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(600)));

        Request request = new Request(id);

        assertNull(request.identity.storedId());
        assertEquals("not a session file", Files.readString(file));
        assertNotNull(request.expiry.created());
    }

    @Test
    void anInvalidatedSessionIsDeletedOnceWithItsIndexEntry() {
        String id = newSession();
        runtime.userSessions().index().add("alice", PrivateIds.of(id), Instant.now().plusSeconds(3600));
        Request request = new Request(id);

        request.store.invalidated(id, "alice");
        request.store.deleteInvalidated(backend);
        request.store.deleteInvalidated(backend); // the next save has nothing left to delete

        assertTrue(backend.load(PrivateIds.of(id)).isEmpty());
        assertEquals(0, runtime.userSessions().index().ids("alice").size());
    }

    @Test
    void onlyTheFirstSaveOfARequestStoresItsNewSessionTheNextOnesWriteChanges() {
        Request request = new Request(null);
        request.put("a", 1);
        request.save();
        request.put("b", 2);

        StoreCalls.Written second = request.save();

        assertFalse(second.idChanged());
        assertTrue(second.changed());
        assertEquals(new HashMap<>(Map.of("a", 1, "b", 2)).keySet(),
                backend.load(PrivateIds.of(request.identity.storedId())).orElseThrow().attributes().keySet());
    }
}

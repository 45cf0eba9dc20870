package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.UserSession;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed callers and owners, and key rotation ({@code SESSION_SECRET_KEY_FALLBACKS}), with
 * records written straight into a real filesystem store as anyone who can write it could.
 */
class RecordSigningTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user"));
    private static final String OLD_KEY = "the-old-long-random-secret-of-this-test-1234";
    private static final String NEW_KEY = "the-new-long-random-secret-of-this-test-5678";

    @TempDir
    Path dir;

    @AfterEach
    void noCurrentSession() {
        CurrentSession.clear();
    }

    /** A server on the one store of the test, with {@code keys}. */
    private SessionRuntime server(String... keys) {
        Map<String, String> settings = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString()));
        for (int i = 0; i < keys.length; i += 2) {
            settings.put(keys[i], keys[i + 1]);
        }
        return SessionRuntime.create(SettingsSource.of(settings), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static RequestSession open(SessionRuntime runtime, String id) {
        return runtime.open(id == null ? null : runtime.ids().cookieValue(id));
    }

    private static String logIn(SessionRuntime runtime, Caller caller) {
        RequestSession session = open(runtime, null);
        session.put("cart", "1 item");
        session.logIn(caller);
        return session.save().id();
    }

    private static Object readRaw(SessionRuntime runtime, String id, String name) {
        byte[] bytes = runtime.activeBackend().load(PrivateIds.of(id)).orElseThrow().attributes().get(name);
        return bytes == null ? null : runtime.codec().decode(name, bytes);
    }

    private static void writeRaw(SessionRuntime runtime, String id, String name, Object value) {
        runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(Map.of(name, runtime.codec().encode(name, value)), Set.of(),
                Instant.now(), Instant.now().plusSeconds(600), false));
    }

    /** What a request of session {@code id} finds: its caller and its owner. */
    private static Optional<Caller> callerOf(SessionRuntime runtime, String id) {
        return open(runtime, id).caller();
    }

    private static String ownerOf(SessionRuntime runtime, String id) {
        return open(runtime, id).owner();
    }

    @Test
    void anOwnerWrittenIntoTheStoreWithoutAValidMacIsNoOwner() {
        SessionRuntime server = server("SESSION_SECRET_KEY", NEW_KEY);
        String anonymous;
        RequestSession session = open(server, null);
        session.put("cart", "1 item");
        anonymous = session.save().id();
        long until = Instant.now().plusSeconds(3600).toEpochMilli();
        for (Object forged : List.of(List.of("alice", "0"), List.of("alice", String.valueOf(until)),
                List.of("alice", String.valueOf(until), ""), List.of("alice", String.valueOf(until), "forged-mac"))) {
            writeRaw(server, anonymous, AttributeNames.OWNER, forged);
            assertNull(ownerOf(server, anonymous), "taken as the owner: " + forged);
        }
    }

    @Test
    void aForgedOwnerCannotListOrRevokeThatUsersSessions() {
        SessionRuntime server = server("SESSION_SECRET_KEY", NEW_KEY);
        String alices = logIn(server, ALICE);
        RequestSession attacker = open(server, null);
        attacker.put("x", "1");
        String attackers = attacker.save().id();
        // alice's valid owner value, copied into the attacker's own session, and indexed there
        writeRaw(server, attackers, AttributeNames.OWNER, readRaw(server, alices, AttributeNames.OWNER));
        server.activeBackend().ownerIndex().orElseThrow().add("alice", PrivateIds.of(attackers), Instant.now().plusSeconds(3600));

        RequestSession request = open(server, attackers);
        CurrentSession.set(request);
        assertNull(request.owner(), "a value signed for another session");
        assertEquals(List.of(), server.userSessions().listMine(), "nobody's session lists no one's sessions");
        assertEquals(0, server.userSessions().revokeOthers());
        CurrentSession.clear();
        assertTrue(server.activeBackend().load(PrivateIds.of(alices)).isPresent(), "alice's session is untouched");
        assertEquals(List.of(StoreUserSessions.tag(PrivateIds.of(alices))),
                server.userSessions().list("alice").stream().map(UserSession::tag).toList(), "and only hers are listed as hers");
    }

    @Test
    void aCallerWrittenIntoTheStoreWithoutAValidMacIsNoLogin() {
        SessionRuntime server = server("SESSION_SECRET_KEY", NEW_KEY);
        String id = logIn(server, new Caller("bob", Set.of("user")));
        writeRaw(server, id, RequestSession.CALLER, new ArrayList<>(List.of("caller/1", "root", "", "admin")));
        assertEquals(Optional.empty(), callerOf(server, id));
    }

    @Test
    void recordsSignedWithAFallbackKeyAreAcceptedAndSignedAgainWithTheNewKeyAtTheNextSave() {
        String id = logIn(server("SESSION_SECRET_KEY", OLD_KEY), ALICE);
        Object oldCaller = readRaw(server("SESSION_SECRET_KEY", OLD_KEY), id, RequestSession.CALLER);
        Object oldOwner = readRaw(server("SESSION_SECRET_KEY", OLD_KEY), id, AttributeNames.OWNER);

        SessionRuntime rotated = server("SESSION_SECRET_KEY", NEW_KEY, "SESSION_SECRET_KEY_FALLBACKS", OLD_KEY);
        RequestSession request = open(rotated, id);
        assertEquals(Optional.of(ALICE), request.caller());
        assertEquals("alice", request.owner());
        request.save();

        assertFalse(oldCaller.equals(readRaw(rotated, id, RequestSession.CALLER)), "the caller was signed again");
        assertFalse(oldOwner.equals(readRaw(rotated, id, AttributeNames.OWNER)), "the owner was signed again");
        SessionRuntime newKeyOnly = server("SESSION_SECRET_KEY", NEW_KEY);
        assertEquals(Optional.of(ALICE), callerOf(newKeyOnly, id), "valid under the new key alone");
        assertEquals("alice", ownerOf(newKeyOnly, id));
    }

    @Test
    void recordsSignedWithAKeyNoLongerListedAreRefused() {
        String id = logIn(server("SESSION_SECRET_KEY", OLD_KEY), ALICE);
        SessionRuntime removed = server("SESSION_SECRET_KEY", NEW_KEY);
        assertEquals(Optional.empty(), callerOf(removed, id));
        assertNull(ownerOf(removed, id));
        SessionRuntime otherFallback = server("SESSION_SECRET_KEY", NEW_KEY, "SESSION_SECRET_KEY_FALLBACKS",
                "yet-another-long-random-secret-of-this-test-9");
        assertEquals(Optional.empty(), callerOf(otherFallback, id));
    }

    @Test
    void cookiesSignedWithAFallbackKeyAreAcceptedAndNewOnesCarryTheNewKey() {
        SessionRuntime before = server("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", OLD_KEY);
        RequestSession session = before.open(null);
        session.put("cart", "1 item");
        String id = session.save().id();
        String oldCookie = before.ids().cookieValue(id);

        SessionRuntime rotated = server("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", NEW_KEY,
                "SESSION_SECRET_KEY_FALLBACKS", "another-long-random-secret-of-this-test-xyz, " + OLD_KEY);
        assertEquals(Optional.of(id), rotated.ids().idFromCookie(oldCookie));
        assertEquals("1 item", rotated.open(oldCookie).get("cart"));
        String newCookie = rotated.ids().cookieValue(id);
        assertFalse(newCookie.equals(oldCookie), "new cookies are signed with the new key");
        assertEquals(Optional.of(id), server("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", NEW_KEY).ids().idFromCookie(newCookie));
        assertEquals(Optional.empty(), server("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", NEW_KEY).ids().idFromCookie(oldCookie),
                "once the old key is removed its cookies are refused");
    }
}

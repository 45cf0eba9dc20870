package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionLimitException;
import dev.serversessions.api.UserSession;
import dev.serversessions.internal.config.InvalidSettingsException;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owners, the owner index and {@code SESSION_MAX_PER_USER}, through the request rules, on a real filesystem store. */
class UserSessionsTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user"));
    private static final Caller BOB = new Caller("bob", Set.of("user"));

    @TempDir
    Path dir;

    @AfterEach
    void noCurrentSession() {
        CurrentSession.clear();
    }

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString()));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static RequestSession open(SessionRuntime runtime, String id) {
        return runtime.open(id == null ? null : runtime.ids().cookieValue(id));
    }

    private static String logIn(SessionRuntime runtime, Caller caller) {
        RequestSession session = open(runtime, null);
        session.logIn(caller);
        return session.save().id();
    }

    /** Runs {@code action} as a request of session {@code id}, saving it afterwards as the filter does. */
    private static <T> T inRequest(SessionRuntime runtime, String id, Function<RequestSession, T> action) {
        RequestSession session = open(runtime, id);
        CurrentSession.set(session);
        try {
            T result = action.apply(session);
            session.save();
            return result;
        } finally {
            CurrentSession.clear();
        }
    }

    private static boolean alive(SessionRuntime runtime, String id) {
        return runtime.activeBackend().load(PrivateIds.of(id)).isPresent();
    }

    @Test
    void aLoginMakesTheCallerTheOwnerAndEverySessionOfTheUserIsListed() {
        SessionRuntime runtime = runtime(Map.of());
        String phone = logIn(runtime, ALICE);
        String laptop = logIn(runtime, ALICE);
        String bobs = logIn(runtime, BOB);

        List<UserSession> seen = inRequest(runtime, laptop, s -> runtime.userSessions().listMine());
        assertEquals(2, seen.size());
        assertEquals(Set.of(StoreUserSessions.tag(PrivateIds.of(phone)), StoreUserSessions.tag(PrivateIds.of(laptop))),
                Set.of(seen.get(0).tag(), seen.get(1).tag()));
        assertEquals(List.of(false, true), seen.stream().map(UserSession::current).toList(), "least recently used first");
        assertEquals("alice", inRequest(runtime, phone, RequestSession::owner));
        assertEquals(1, runtime.userSessions().list("bob").size());
        assertTrue(alive(runtime, bobs));
    }

    @Test
    void logOutTakesTheSessionOffTheUsersList() {
        SessionRuntime runtime = runtime(Map.of());
        String id = logIn(runtime, ALICE);
        inRequest(runtime, id, s -> {
            s.put("cart", "1 item");
            s.logOut();
            return null;
        });
        assertEquals(List.of(), runtime.userSessions().list("alice"));
        assertEquals(Set.of(), runtime.activeBackend().ownerIndex().orElseThrow().ids("alice"), "the index entry went with it");
        assertNull(inRequest(runtime, id, RequestSession::owner));
    }

    @Test
    void anApplicationWithItsOwnLoginNamesTheOwner() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession session = open(runtime, null);
        session.setOwner("carol@example.com");
        session.regenerate();
        String id = session.save().id();

        assertEquals(List.of(StoreUserSessions.tag(PrivateIds.of(id))), runtime.userSessions().list("carol@example.com").stream().map(UserSession::tag).toList());
        inRequest(runtime, id, s -> {
            s.setOwner(null);
            return null;
        });
        assertEquals(List.of(), runtime.userSessions().list("carol@example.com"));
    }

    @Test
    void revokeAllEndsEverySessionOfTheUserAndInvalidatesTheCurrentOne() {
        SessionRuntime runtime = runtime(Map.of());
        String phone = logIn(runtime, ALICE);
        String laptop = logIn(runtime, ALICE);
        String bobs = logIn(runtime, BOB);

        RequestSession request = open(runtime, laptop);
        CurrentSession.set(request);
        assertEquals(2, runtime.userSessions().revokeAllMine());
        assertEquals(CookieAction.Kind.EXPIRE, request.save().kind(), "the current session's cookie expires");
        CurrentSession.clear();

        assertFalse(alive(runtime, phone));
        assertFalse(alive(runtime, laptop));
        assertTrue(alive(runtime, bobs), "another user's session is untouched");
        assertEquals(List.of(), runtime.userSessions().list("alice"));
    }

    @Test
    void aRequestStillRunningOnARevokedSessionCannotStoreItAgain() {
        SessionRuntime runtime = runtime(Map.of());
        String phone = logIn(runtime, ALICE);
        RequestSession late = open(runtime, phone);
        assertEquals(Optional.of(ALICE), late.caller()); // loaded before the revocation

        assertTrue(runtime.userSessions().revoke("alice", StoreUserSessions.tag(PrivateIds.of(phone))));
        late.put("cart", "1 item");
        assertThrows(dev.serversessions.api.SessionConflictException.class, late::save);
        assertFalse(alive(runtime, phone));
        assertEquals(List.of(), runtime.userSessions().list("alice"));
    }

    @Test
    void forgedOrForeignTagsRevokeNothing() {
        SessionRuntime runtime = runtime(Map.of());
        String alices = logIn(runtime, ALICE);
        String bobs = logIn(runtime, BOB);
        for (String tag : new String[] {StoreUserSessions.tag(PrivateIds.of(bobs)), bobs, alices, "", "../" + StoreUserSessions.tag(PrivateIds.of(alices)), null}) {
            assertFalse(runtime.userSessions().revoke("alice", tag), String.valueOf(tag));
        }
        assertTrue(alive(runtime, alices));
        assertTrue(alive(runtime, bobs));
    }

    @Test
    void revokeOthersKeepsTheCurrentSession() {
        SessionRuntime runtime = runtime(Map.of());
        String phone = logIn(runtime, ALICE);
        String laptop = logIn(runtime, ALICE);
        assertEquals(1, (int) inRequest(runtime, laptop, s -> runtime.userSessions().revokeOthers()));
        assertFalse(alive(runtime, phone));
        assertTrue(alive(runtime, laptop));
    }

    @Test
    void beyondTheLimitTheLeastRecentlyUsedSessionsAreRevoked() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_MAX_PER_USER", "2"));
        String first = logIn(runtime, ALICE);
        Thread.sleep(10);
        String second = logIn(runtime, ALICE);
        Thread.sleep(10);
        inRequest(runtime, first, s -> {
            s.put("seen", "again"); // now used more recently than the second
            return null;
        });
        Thread.sleep(10);
        String third = logIn(runtime, ALICE);

        assertTrue(alive(runtime, first));
        assertFalse(alive(runtime, second), "the least recently used goes");
        assertTrue(alive(runtime, third));
        assertEquals(2, runtime.userSessions().list("alice").size());
    }

    @Test
    void withTheRefuseActionALoginBeyondTheLimitIsRefusedAndStoresNothing() {
        SessionRuntime runtime = runtime(Map.of("SESSION_MAX_PER_USER", "1", "SESSION_MAX_PER_USER_ACTION", "REFUSE"));
        String first = logIn(runtime, ALICE);
        RequestSession second = open(runtime, null);
        SessionLimitException refused = assertThrows(SessionLimitException.class, () -> second.logIn(ALICE));
        assertTrue(refused.getMessage().contains("SESSION_MAX_PER_USER=1"), refused.getMessage());
        assertEquals(CookieAction.Kind.NONE, second.save().kind(), "nothing stored");
        assertTrue(alive(runtime, first));
        assertEquals(1, runtime.userSessions().list("alice").size());
        logIn(runtime, BOB); // other users have their own count
    }

    /** An application's own backend (here: the filesystem one behind a class of the application's) keeps no index. */
    @Test
    void withABackendWithoutAnIndexLoginsStillWorkAndListingSaysWhy() {
        SessionRuntime runtime = runtime(Map.of());
        dev.serversessions.api.SessionBackend files = runtime.backend(dev.serversessions.api.SessionType.FILESYSTEM);
        dev.serversessions.api.SessionBackend own = new dev.serversessions.api.SessionBackend() {
            public Optional<dev.serversessions.api.StoredSession> load(String id) {
                return files.load(id);
            }

            public boolean apply(String id, dev.serversessions.api.ChangeSet changes) {
                return files.apply(id, changes);
            }

            public void delete(String id) {
                files.delete(id);
            }

            public boolean touch(String id, java.time.Instant expires) {
                return files.touch(id, expires);
            }

            public boolean changeId(String oldId, String newId) {
                return files.changeId(oldId, newId);
            }

            public int purgeExpired() {
                return files.purgeExpired();
            }

            public String describe() {
                return "the application's own store";
            }

            public void close() {
            }
        };
        runtime.useApplicationBackend(() -> own);
        String id = logIn(runtime, ALICE);
        assertEquals("alice", inRequest(runtime, id, RequestSession::owner));
        inRequest(runtime, id, s -> {
            s.logOut();
            return null;
        });
        String again = logIn(runtime, ALICE);
        inRequest(runtime, again, s -> {
            s.invalidate();
            return null;
        });
        assertFalse(alive(runtime, again));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> runtime.userSessions().list("alice"));
        assertTrue(e.getMessage().contains("the application's own store"), e.getMessage());
    }

    @Test
    void badLimitSettingsFailTheDeploymentNamingTheKey() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> runtime(Map.of("SESSION_MAX_PER_USER", "-1", "SESSION_MAX_PER_USER_ACTION", "kick")));
        assertTrue(e.getMessage().contains("SESSION_MAX_PER_USER=-1"), e.getMessage());
        assertTrue(e.getMessage().contains("SESSION_MAX_PER_USER_ACTION=kick"), e.getMessage());
        assertTrue(e.getMessage().contains("revoke-oldest, refuse"), e.getMessage());
    }

    @Test
    void theSessionIsIndexedAgainBeforeItsIndexEntryRunsOut() {
        SessionRuntime runtime = runtime(Map.of("PERMANENT_SESSION_LIFETIME", "2"));
        String id = logIn(runtime, ALICE);
        var index = runtime.activeBackend().ownerIndex().orElseThrow();
        for (int i = 0; i < 6; i++) { // 6 s of use: three lifetimes, one and a half index entries
            inRequest(runtime, id, s -> s.get("x"));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertTrue(alive(runtime, id));
        assertEquals(Set.of(PrivateIds.of(id)), index.ids("alice"), "still indexed after its first entry ran out");
    }
}

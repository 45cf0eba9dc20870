package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionLimitException;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a logout and a login as someone else leave of a session, through the request rules on a
 * real filesystem store: by default nothing but a new id; with
 * {@code SESSION_LOGOUT_KEEPS_ATTRIBUTES} the attributes under a new id.
 */
class LogoutTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user"));
    private static final Caller BOB = new Caller("bob", Set.of("user"));
    private static final String SECRET = "a-long-random-test-secret-of-40-bytes-xxx";

    @TempDir
    Path dir;

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(), "SESSION_SECRET_KEY", SECRET));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static RequestSession open(SessionRuntime runtime, String id) {
        return runtime.open(id == null ? null : runtime.ids().cookieValue(id));
    }

    private static boolean stored(SessionRuntime runtime, String id) {
        return runtime.activeBackend().load(PrivateIds.of(id)).isPresent();
    }

    /** The save kept the session under {@code id}: no cookie, or the same id sent again (the slide). */
    private static void assertSameId(String id, CookieAction saved) {
        assertTrue(saved.kind() == CookieAction.Kind.NONE || saved.kind() == CookieAction.Kind.SEND && id.equals(saved.id()),
                saved.toString());
    }

    /** Alice's session, logged in, with her cart in it: its id. */
    private static String alicesSessionWithACart(SessionRuntime runtime) {
        RequestSession session = open(runtime, null);
        session.put("cart", "3 items");
        session.logIn(ALICE);
        CookieAction saved = session.save();
        assertEquals(CookieAction.Kind.SEND, saved.kind());
        return saved.id();
    }

    @Test
    void logoutEndsTheSessionWithItsIdAndEveryAttribute() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);

        RequestSession logout = open(runtime, id);
        logout.logOut();
        assertEquals(Optional.empty(), logout.caller());
        assertNull(logout.get("cart"), "the request itself sees the attributes gone");
        assertEquals(CookieAction.Kind.EXPIRE, logout.save().kind());

        assertFalse(stored(runtime, id), "the id the browser held loads no session");
        RequestSession next = open(runtime, id);
        assertEquals(Set.of(), next.names());
        assertEquals(Optional.empty(), next.caller());
        assertEquals(Set.of(), runtime.activeBackend().ownerIndex().orElseThrow().ids("alice"), "off alice's list");
    }

    @Test
    void whatALogoutRequestStoresAfterwardsGoesToANewSession() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);

        RequestSession logout = open(runtime, id);
        logout.logOut();
        logout.put("flash", "You are logged out");
        CookieAction saved = logout.save();
        assertEquals(CookieAction.Kind.SEND, saved.kind());
        assertNotEquals(id, saved.id());
        assertFalse(stored(runtime, id));
        assertEquals(Set.of("flash"), open(runtime, saved.id()).names());
    }

    @Test
    void withLogoutKeepsAttributesTheCartStaysUnderANewIdWithoutTheLogin() {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true"));
        String id = alicesSessionWithACart(runtime);

        RequestSession logout = open(runtime, id);
        logout.logOut();
        CookieAction saved = logout.save();
        assertEquals(CookieAction.Kind.SEND, saved.kind());
        assertNotEquals(id, saved.id(), "the id is regenerated all the same");
        assertFalse(stored(runtime, id), "the old id loads no session");

        RequestSession next = open(runtime, saved.id());
        assertEquals("3 items", next.get("cart"));
        assertEquals(Optional.empty(), next.caller());
        assertNull(next.owner());
        assertEquals(Set.of(), runtime.activeBackend().ownerIndex().orElseThrow().ids("alice"));
    }

    @Test
    void withLogoutKeepsAttributesASessionThatHeldOnlyTheLoginEnds() {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true"));
        RequestSession login = open(runtime, null);
        login.logIn(ALICE);
        String id = login.save().id();

        RequestSession logout = open(runtime, id);
        logout.logOut();
        assertEquals(CookieAction.Kind.EXPIRE, logout.save().kind());
        assertFalse(stored(runtime, id));
    }

    @Test
    void aLogoutOfASessionNobodyIsLoggedInToChangesNothing() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession anonymous = open(runtime, null);
        anonymous.put("cart", "1 item");
        String id = anonymous.save().id();

        RequestSession logout = open(runtime, id);
        logout.logOut();
        assertEquals(0, logout.modifications());
        assertSameId(id, logout.save());
        assertEquals("1 item", open(runtime, id).get("cart"));
    }

    @Test
    void theContainersSecondLogoutCallInTheSameRequestChangesNothingMore() {
        // request.logout() ends the login, then the container calls the mechanism's cleanSubject, which does again
        SessionRuntime runtime = runtime(Map.of("SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true"));
        String id = alicesSessionWithACart(runtime);

        RequestSession logout = open(runtime, id);
        logout.logOut();
        String newId = logout.id();
        logout.logOut();
        assertEquals(newId, logout.id(), "regenerated once");
        assertEquals(newId, logout.save().id());
        assertEquals("3 items", open(runtime, newId).get("cart"));
    }

    @Test
    void aLoginAsAnotherUserStartsFromAnEmptySession() {
        SessionRuntime runtime = runtime(Map.of());
        String alices = alicesSessionWithACart(runtime);

        RequestSession login = open(runtime, alices);
        login.logIn(BOB);
        assertNull(login.get("cart"));
        CookieAction saved = login.save();
        assertNotEquals(alices, saved.id());
        assertFalse(stored(runtime, alices), "alice's session ended");

        RequestSession next = open(runtime, saved.id());
        assertEquals(Optional.of(BOB), next.caller());
        assertEquals(Set.of(), next.names(), "nothing of alice's");
        assertEquals(Set.of(), runtime.activeBackend().ownerIndex().orElseThrow().ids("alice"));
        assertEquals(Set.of(PrivateIds.of(saved.id())), runtime.activeBackend().ownerIndex().orElseThrow().ids("bob"));
    }

    @Test
    void aLoginAsAnotherUserIgnoresLogoutKeepsAttributes() {
        SessionRuntime runtime = runtime(Map.of("SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true"));
        String alices = alicesSessionWithACart(runtime);
        RequestSession login = open(runtime, alices);
        login.logIn(BOB);
        String bobs = login.save().id();
        assertEquals(Set.of(), open(runtime, bobs).names());
    }

    @Test
    void aLoginAgainAsTheSameUserKeepsTheSessionUnderANewId() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);
        RequestSession again = open(runtime, id);
        again.logIn(ALICE);
        String newId = again.save().id();
        assertNotEquals(id, newId);
        assertEquals("3 items", open(runtime, newId).get("cart"));
    }

    @Test
    void aCallerRecordThatFailsItsCheckCountsAsAnotherUsersAtLogin() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);
        // written into the store: no owner, and alice's record with a MAC that is not this session's
        runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(
                Map.of(RequestSession.CALLER, runtime.codec().encode(RequestSession.CALLER, List.of("caller/1", "alice", "forged", "user"))),
                Set.of(AttributeNames.OWNER), Instant.now(), Instant.now().plusSeconds(600), false));

        RequestSession login = open(runtime, id);
        login.logIn(ALICE);
        String newId = login.save().id();
        assertFalse(stored(runtime, id));
        assertEquals(Set.of(), open(runtime, newId).names(), "nobody vouches for whose the cart was");
    }

    @Test
    void aValidCallerRecordOfTheSameUserWithoutAnOwnerKeepsTheSessionAtLogin() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);
        runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(Map.of(), Set.of(AttributeNames.OWNER), Instant.now(),
                Instant.now().plusSeconds(600), false));

        RequestSession login = open(runtime, id);
        login.logIn(ALICE);
        assertEquals("3 items", open(runtime, login.save().id()).get("cart"));
    }

    @Test
    void anApplicationsOwnLogoutWithSetOwnerNullEndsTheSession() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession login = open(runtime, null);
        login.put("cart", "2 items");
        login.setOwner("carol@example.com");
        login.regenerate();
        String id = login.save().id();

        RequestSession logout = open(runtime, id);
        logout.setOwner(null);
        assertEquals(CookieAction.Kind.EXPIRE, logout.save().kind());
        assertFalse(stored(runtime, id));
        assertEquals(Set.of(), open(runtime, id).names());
    }

    @Test
    void anApplicationsOwnLoginAsAnotherOwnerStartsFromAnEmptySession() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession login = open(runtime, null);
        login.put("cart", "2 items");
        login.setOwner("carol@example.com");
        String carols = login.save().id();

        RequestSession other = open(runtime, carols);
        other.setOwner("dave@example.com");
        other.regenerate();
        String daves = other.save().id();
        assertNotEquals(carols, daves);
        assertFalse(stored(runtime, carols));
        RequestSession next = open(runtime, daves);
        assertEquals("dave@example.com", next.owner());
        assertEquals(Set.of(), next.names());
    }

    @Test
    void aRefusedLoginAsAnotherUserLeavesTheSessionAsItWas() {
        SessionRuntime runtime = runtime(Map.of("SESSION_MAX_PER_USER", "1", "SESSION_MAX_PER_USER_ACTION", "refuse"));
        RequestSession bobsOnly = open(runtime, null);
        bobsOnly.logIn(BOB);
        bobsOnly.save();
        String alices = alicesSessionWithACart(runtime);

        RequestSession login = open(runtime, alices);
        assertThrows(SessionLimitException.class, () -> login.logIn(BOB));
        assertSameId(alices, login.save());
        RequestSession next = open(runtime, alices);
        assertEquals(Optional.of(ALICE), next.caller());
        assertEquals("3 items", next.get("cart"));
    }

    @Test
    void aLoginFromAnAnonymousSessionKeepsItsAttributes() {
        SessionRuntime runtime = runtime(Map.of());
        String id = alicesSessionWithACart(runtime);
        assertTrue(open(runtime, id).names().contains("cart"), "the cart put before the login is kept by it");
    }
}

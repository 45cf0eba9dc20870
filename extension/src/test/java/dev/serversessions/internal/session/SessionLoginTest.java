package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionLimitException;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a login, a logout and a change of owner do to a session ({@link SessionLogin}), as the
 * request's listeners and a real filesystem store with its owner index see it. The part acts on
 * its request's own session, so each test drives it through that {@link RequestSession}.
 */
class SessionLoginTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user"));

    @TempDir
    Path dir;

    /** A stored session owned by {@code owner} (the application's own login), with a cart: its id. */
    private static String ownedSessionWithACart(SessionRuntime runtime, String owner) {
        RequestSession first = runtime.open(null);
        first.put("cart", "3 items");
        first.setOwner(owner);
        return first.save().id();
    }

    /** The next request of a stored session carol owns, with a cart. */
    private static RequestSession carolsNextRequest(SessionRuntime runtime) {
        return runtime.open(ownedSessionWithACart(runtime, "carol"));
    }

    private static Set<String> indexed(SessionRuntime runtime, String owner) {
        return runtime.activeBackend().ownerIndex().orElseThrow().ids(owner);
    }

    @Test
    void listenersHearALogoutAsTheSessionDestroyedWithEveryAttributeUnbound() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession logout = carolsNextRequest(runtime);
        String id = logout.requestedId();
        HeardEvents heard = HeardEvents.of(logout);

        logout.logOut();

        assertEquals(List.of("destroying", "removed cart=3 items"), heard.calls);
        assertTrue(logout.wasInvalidated());
        assertEquals(CookieAction.Kind.EXPIRE, logout.save().kind());
        assertEquals(Set.of(), indexed(runtime, "carol"));
    }

    @Test
    void withLogoutKeepsAttributesListenersHearALogoutAsANewIdAndNothingUnbound() {
        SessionRuntime runtime = RequestParts.runtime(dir, "SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true");
        RequestSession logout = carolsNextRequest(runtime);
        String id = logout.requestedId();
        HeardEvents heard = HeardEvents.of(logout);

        logout.setOwner(null);

        assertEquals(List.of("idChanged " + id), heard.calls);
        String newId = logout.save().id();
        assertNotEquals(id, newId);
        RequestSession next = runtime.open(newId);
        assertEquals("3 items", next.get("cart"));
        assertNull(next.owner());
        assertEquals(Set.of(), indexed(runtime, "carol"), "no longer one of carol's sessions");
    }

    @Test
    void anOwnerSwitchIsHeardAsTheOldSessionDestroyedThenANewOneCreated() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession other = carolsNextRequest(runtime);
        HeardEvents heard = HeardEvents.of(other);

        other.setOwner("dave");

        assertEquals(List.of("destroying", "removed cart=3 items", "created"), heard.calls);
        String daves = other.save().id();
        assertEquals(Set.of(), indexed(runtime, "carol"));
        assertEquals(Set.of(PrivateIds.of(daves)), indexed(runtime, "dave"), "indexed by its private id");
    }

    @Test
    void theOwnerTheSessionAlreadyHasChangesNothing() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession again = carolsNextRequest(runtime);
        String id = again.requestedId();

        again.setOwner("carol");

        assertEquals(0, again.modifications(), "no save is due for it");
        assertEquals(id, again.id());
        assertEquals("3 items", again.get("cart"));
    }

    @Test
    void noOwnerForASessionNobodyIsLoggedInToChangesNothing() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession anonymous = runtime.open(null);
        anonymous.put("cart", "1 item");
        String id = anonymous.save().id();
        RequestSession next = runtime.open(id);

        next.setOwner(null);
        next.logOut();

        assertEquals(0, next.modifications());
        assertEquals(id, next.id());
        assertEquals("1 item", next.get("cart"));
    }

    @Test
    void anOwnerSwitchSessionMaxPerUserRefusesLeavesTheSessionAsItWas() {
        SessionRuntime runtime = RequestParts.runtime(dir, "SESSION_MAX_PER_USER", "1", "SESSION_MAX_PER_USER_ACTION", "refuse");
        ownedSessionWithACart(runtime, "dave");
        String carols = ownedSessionWithACart(runtime, "carol");
        RequestSession other = runtime.open(carols);

        assertThrows(SessionLimitException.class, () -> other.setOwner("dave"));

        assertEquals(carols, other.id());
        assertEquals("carol", other.owner());
        other.save();
        assertEquals("3 items", runtime.open(carols).get("cart"));
    }

    @Test
    void aLoginAnnouncesTheNewSessionOnceAndALogoutInTheSameRequestLeavesNothingStored() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession session = runtime.open(null);
        HeardEvents heard = HeardEvents.of(session);

        session.logIn(ALICE);
        assertEquals(Optional.of(ALICE), session.caller());
        assertEquals("alice", session.owner());
        session.logOut();

        assertEquals(List.of("created", "destroying"), heard.calls, "never stored: no id changed, nothing unbound");
        assertEquals(Optional.empty(), session.caller());
        assertEquals(CookieAction.NONE, session.save());
        assertEquals(Set.of(), indexed(runtime, "alice"));
    }
}

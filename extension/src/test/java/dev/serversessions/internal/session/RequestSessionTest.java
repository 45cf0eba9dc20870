package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionConflictException;
import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request rules of SPEC §4 below HTTP, on a real filesystem store. */
class RequestSessionTest {
    @TempDir
    Path dir;

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString()));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private SessionRuntime runtime() {
        return runtime(Map.of());
    }

    /** Saves and returns the cookie value the client would hold next. */
    private static String saveAndGetId(RequestSession session) {
        CookieAction action = session.save();
        return action.kind() == CookieAction.Kind.SEND ? action.id() : null;
    }

    @Test
    void anUntouchedSessionNeverReachesTheStore() {
        SessionRuntime runtime = runtime();
        RequestSession session = runtime.open(runtime.ids().generate());
        assertEquals(CookieAction.NONE, session.save());
        assertFalse(Files.exists(dir.resolve("store")), "not even the directory was created");
    }

    @Test
    void anEmptyNewSessionIsNotStored() {
        SessionRuntime runtime = runtime();
        RequestSession session = runtime.open(null);
        assertNull(session.get("x"));
        session.put("x", "1");
        session.remove("x");
        assertEquals(CookieAction.NONE, session.save());
    }

    @Test
    void storedDataComesBackAndTheNextRequestResendsTheCookie() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        String id = saveAndGetId(first);

        RequestSession second = runtime.open(id);
        assertEquals("alice", second.get("user"));
        assertFalse(second.isNew());
        CookieAction resend = second.save();
        assertEquals(CookieAction.Kind.SEND, resend.kind());
        assertEquals(id, resend.id());
    }

    @Test
    void withoutRefreshAReadOnlyRequestSendsNoCookie() {
        SessionRuntime runtime = runtime(Map.of("SESSION_REFRESH_EACH_REQUEST", "false"));
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        String id = saveAndGetId(first);

        RequestSession read = runtime.open(id);
        assertEquals(1, read.get("a"));
        assertEquals(CookieAction.NONE, read.save());
    }

    @Test
    void aValueChangedInPlaceIsSavedAndAnUntouchedOneIsNotRewritten() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", new ArrayList<>(List.of("apple")));
        first.put("other", "unchanged");
        String id = saveAndGetId(first);

        RequestSession second = runtime.open(id);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) second.get("cart");
        assertEquals("unchanged", second.get("other")); // read, decoded, left as it was
        cart.add("pear");
        // meanwhile another request (another server: it shares only the store) changes "other":
        // the store keeps its value only if this request does not write back what it read
        RequestSession elsewhere = runtime().open(id);
        elsewhere.put("other", "changed elsewhere");
        elsewhere.save();
        second.save();

        RequestSession after = runtime.open(id);
        assertEquals(List.of("apple", "pear"), after.get("cart"));
        assertEquals("changed elsewhere", after.get("other"), "the untouched attribute was rewritten with what the request read");
    }

    @Test
    void regenerateMovesTheDataAndKillsTheOldId() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        String oldId = saveAndGetId(first);

        RequestSession login = runtime.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);

        assertNotEquals(oldId, newId);
        assertEquals("alice", runtime.open(newId).get("user"));
        assertTrue(runtime.open(oldId).isNew());
    }

    @Test
    void invalidateDeletesTheSessionAndExpiresTheCookie() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        String id = saveAndGetId(first);

        RequestSession logout = runtime.open(id);
        logout.invalidate();
        assertEquals(CookieAction.EXPIRE, logout.save());
        assertTrue(runtime.open(id).names().isEmpty());
    }

    @Test
    void clearingAStoredSessionDeletesIt() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        String id = saveAndGetId(first);

        RequestSession clear = runtime.open(id);
        clear.clear();
        assertEquals(CookieAction.EXPIRE, clear.save());
        assertTrue(runtime.open(id).isNew());
    }

    @Test
    void aSecondSaveWritesOnlyWhatChangedAfterTheFirst() {
        SessionRuntime runtime = runtime();
        RequestSession session = runtime.open(null);
        session.put("a", 1);
        String id = saveAndGetId(session);
        session.put("late", "after the commit");
        session.save();
        assertEquals("after the commit", runtime.open(id).get("late"));
    }

    @Test
    void typedGetConvertsNumbersAndNamesTheAttributeOnMismatch() {
        SessionRuntime runtime = runtime(Map.of("SESSION_SERIALIZATION_FORMAT", "json"));
        RequestSession first = runtime.open(null);
        first.put("counter", 41L);
        String id = saveAndGetId(first);

        RequestSession second = runtime.open(id);
        assertEquals(41, second.get("counter", Integer.class));
        assertEquals(41L, second.get("counter", Long.class));
        ClassCastException e = assertThrows(ClassCastException.class, () -> second.get("counter", String.class));
        assertTrue(e.getMessage().contains("'counter'"));
    }

    @Test
    void reservedNamesAreRefused() {
        RequestSession session = runtime().open(null);
        assertThrows(IllegalArgumentException.class, () -> session.put("__ss:permanent", true));
    }

    @Test
    void aNameThatIsNotValidUnicodeIsRefusedAtPut() {
        SessionRuntime runtime = runtime();
        RequestSession session = runtime.open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.put("cart\uD800", 1));
        assertTrue(e.getMessage().contains("lone surrogate") && e.getMessage().contains("index 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> session.put("\uDC00x", 1), "a low surrogate first");
        session.put("emoji \uD83D\uDE00", 1); // a pair is a character
        String id = saveAndGetId(session);
        assertEquals(1, runtime.open(id).get("emoji \uD83D\uDE00"));
    }

    @Test
    void aValueTheNextRequestCouldNotReadIsRefusedAtPutWithTheReason() {
        RequestSession session = runtime().open(null);
        Object deep = "leaf";
        for (int i = 0; i < 100; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        Object tooDeep = deep;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.put("tree", tooDeep));
        assertTrue(e.getMessage().contains("'tree'") && e.getMessage().contains("deeper than"), e.getMessage());
        IllegalArgumentException denied = assertThrows(IllegalArgumentException.class,
                () -> session.put("file", new java.io.File("/tmp")));
        assertTrue(denied.getMessage().contains("java.io.File"), denied.getMessage());
        assertFalse(session.contains("tree") || session.contains("file"));
    }

    @Test
    void aNonPermanentSessionGetsABrowserSessionCookie() {
        SessionRuntime runtime = runtime();
        RequestSession session = runtime.open(null);
        session.setPermanent(false);
        session.put("a", 1);
        CookieAction action = session.save();
        assertFalse(action.permanent());
        assertFalse(runtime.open(action.id()).isPermanent(), "the choice is stored with the session");
    }


    private String storedSessionOf(SessionRuntime runtime, String name, Object value) {
        RequestSession first = runtime.open(null);
        first.put(name, value);
        return saveAndGetId(first);
    }

    @Test
    void aRegenerateRacingAnInvalidateDoesNotBringTheSessionBack() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession login = runtime.open(oldId);
        assertEquals("alice", login.get("user"));

        RequestSession logout = runtime.open(oldId);
        logout.invalidate();
        assertEquals(CookieAction.EXPIRE, logout.save());

        login.regenerate();
        login.put("user", "bob");
        String newId = login.id();
        SessionConflictException conflict = assertThrows(SessionConflictException.class, login::save);
        assertTrue(conflict.getMessage().contains("not saved"), conflict.getMessage());
        assertThrows(SessionConflictException.class, login::save, "every later save of that request says so too");
        assertTrue(runtime.open(oldId).isNew(), "the invalidated session stays dead");
        assertTrue(runtime.open(newId).isNew(), "and is not stored again under the new id");
    }

    @Test
    void aRegenerateRacingAnInvalidateOnAnotherServerDoesNotBringTheSessionBack() {
        SessionRuntime one = runtime();
        SessionRuntime other = runtime(); // shares only the store, not what this server remembers
        String oldId = storedSessionOf(one, "user", "alice");
        RequestSession login = one.open(oldId);
        login.get("user");
        RequestSession logout = other.open(oldId);
        logout.invalidate();
        logout.save();

        login.regenerate();
        String newId = login.id();
        assertThrows(SessionConflictException.class, login::save);
        assertTrue(other.open(newId).isNew());
    }

    @Test
    void aWriteRacingARegenerateFailsVisiblyAndKeepsTheLogin() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession write = runtime.open(oldId);
        write.get("user");
        RequestSession login = runtime.open(oldId);
        login.get("user");
        login.regenerate();
        String newId = saveAndGetId(login);

        write.put("theme", "dark");
        assertThrows(SessionConflictException.class, write::save);
        RequestSession after = runtime.open(newId);
        assertEquals("alice", after.get("user"), "the login's session is untouched");
        assertNull(after.get("theme"));
        assertTrue(runtime.open(oldId).isNew(), "the write did not recreate the old id");
    }

    @Test
    void aWriteRacingARegenerateOnAnotherServerFailsVisiblyToo() {
        SessionRuntime one = runtime();
        SessionRuntime other = runtime();
        String oldId = storedSessionOf(one, "user", "alice");
        RequestSession write = other.open(oldId);
        write.get("user");
        RequestSession login = one.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);

        write.put("theme", "dark");
        assertThrows(SessionConflictException.class, write::save);
        assertNull(one.open(newId).get("theme"));
        assertTrue(one.open(oldId).isNew());
    }

    @Test
    void aWriteWithTheOldCookieArrivingJustAfterALoginDoesNotStartASecondSession() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession login = runtime.open(oldId);
        login.regenerate();
        saveAndGetId(login);

        RequestSession late = runtime.open(oldId);
        assertNull(late.get("user"));
        late.put("theme", "dark");
        String wouldBeId = late.id();
        assertThrows(SessionConflictException.class, late::save,
                "a new session's cookie would replace the login's and log the user out");
        assertTrue(runtime.open(wouldBeId).isNew());
    }

    @Test
    void aReadOnlyRequestNeverResendsAnIdRenamedAfterItLoaded() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession read = runtime.open(oldId);
        assertEquals("alice", read.get("user"));

        RequestSession login = runtime.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);
        assertNotEquals(oldId, newId);

        assertEquals(CookieAction.NONE, read.save(), "re-sending the old id would log the user out");
    }

    @Test
    void clearingASessionALoginRenamedMeanwhileLeavesTheLoginAlone() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession clear = runtime.open(oldId);
        clear.get("user");
        RequestSession login = runtime.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);

        clear.clear();
        assertThrows(SessionConflictException.class, clear::save, "expiring the cookie would log the user out");
        assertEquals("alice", runtime.open(newId).get("user"));
    }

    @Test
    void anInvalidateRacingARegenerateAlsoEndsTheRenamedSession() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession logout = runtime.open(oldId);
        logout.get("user");
        RequestSession login = runtime.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);

        logout.invalidate();
        assertEquals(CookieAction.EXPIRE, logout.save());
        assertTrue(runtime.open(newId).isNew(), "the logout that loaded the session ends it under its new id too");
    }

    @Test
    void aLogoutWithAnOldIdSentAfterTheLoginDoesNotEndTheLoggedInSession() {
        SessionRuntime runtime = runtime();
        String oldId = storedSessionOf(runtime, "user", "alice");
        RequestSession login = runtime.open(oldId);
        login.regenerate();
        String newId = saveAndGetId(login);

        RequestSession stale = runtime.open(oldId); // e.g. an attacker who fixated the old id
        stale.invalidate();
        stale.save();
        assertEquals("alice", runtime.open(newId).get("user"), "only a logout already running during the login follows it");
    }

    @Test
    void withoutRefreshAChangeMovesTheExpiryAndResendsTheCookie() {
        MovableClock clock = new MovableClock();
        Map<String, String> keys = Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_REFRESH_EACH_REQUEST", "false", "PERMANENT_SESSION_LIFETIME", "3600");
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), clock);
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        CookieAction created = first.save();
        String id = created.id();
        assertEquals(clock.instant().plusSeconds(3600), created.expires());

        clock.advance(Duration.ofSeconds(600));
        RequestSession change = runtime.open(id);
        change.put("b", 2);
        CookieAction changed = change.save();
        assertEquals(CookieAction.Kind.SEND, changed.kind(), "a changed session's cookie is re-sent");
        assertEquals(id, changed.id());
        Instant moved = clock.instant().plusSeconds(3600);
        assertEquals(moved, changed.expires());
        assertEquals(moved.toEpochMilli() / 1000, runtime.open(id).expiryTime().toEpochMilli() / 1000,
                "the store's expiry moved too");

        clock.advance(Duration.ofSeconds(600));
        RequestSession read = runtime.open(id);
        assertEquals(2, read.get("b"));
        assertEquals(CookieAction.NONE, read.save(), "a read-only request still neither slides nor re-sends");
        assertEquals(moved.toEpochMilli() / 1000, runtime.open(id).expiryTime().toEpochMilli() / 1000);
    }
}

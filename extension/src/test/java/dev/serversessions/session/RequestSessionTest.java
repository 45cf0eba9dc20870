package dev.serversessions.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
        cart.add("pear");
        second.save();

        assertEquals(List.of("apple", "pear"), runtime.open(id).get("cart"));
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
}

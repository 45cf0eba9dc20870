package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.RequestSession.IdSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which id a request uses when it may come in the cookie or in SESSION_ID_HEADER, and where the answer goes. */
class IdHeaderTest {
    private static final String SECRET = "a-long-random-secret-for-the-tests-only";

    @TempDir
    Path dir;

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_ID_HEADER", "X-Session-Id"));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static String stored(SessionRuntime runtime, String value) {
        RequestSession session = runtime.open(null, null);
        session.put("v", value);
        return session.save().id();
    }

    @Test
    void aValidHeaderWinsOverAValidCookie() {
        SessionRuntime runtime = runtime(Map.of());
        String byCookie = stored(runtime, "cookie");
        String byHeader = stored(runtime, "header");
        RequestSession session = runtime.open(byCookie, byHeader);
        assertEquals("header", session.get("v"));
        assertEquals(IdSource.HEADER, session.idSource());
        assertFalse(session.answersInCookie(), "the browser's cookie of another session is left alone");
        assertTrue(session.answersInHeader());
    }

    @Test
    void anInvalidHeaderFallsBackToTheCookieAndNeverRevealsTheCookiesIdInAHeader() {
        SessionRuntime runtime = runtime(Map.of());
        String byCookie = stored(runtime, "cookie");
        for (String hostile : new String[] {"", "x", "A".repeat(10_000), byCookie + "\r\nSet-Cookie: a=b", byCookie + ", " + byCookie,
                "\u00e9".repeat(43), byCookie.substring(1) + "\u0000"}) {
            RequestSession session = runtime.open(byCookie, hostile);
            assertEquals("cookie", session.get("v"), hostile);
            assertEquals(IdSource.COOKIE, session.idSource());
            assertTrue(session.answersInCookie());
            assertFalse(session.answersInHeader(), "a script could read it from the response");
        }
    }

    @Test
    void withoutAnyValidIdTheAnswerGoesBothWays() {
        RequestSession session = runtime(Map.of()).open("forged", "forged");
        assertEquals(IdSource.NONE, session.idSource());
        assertNull(session.requestedId());
        assertTrue(session.answersInCookie() && session.answersInHeader());
    }

    @Test
    void withTheHeaderOffItIsIgnored() {
        SessionRuntime on = runtime(Map.of());
        String id = stored(on, "x");
        SessionRuntime off = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString())),
                getClass().getClassLoader(), Clock.systemUTC());
        RequestSession session = off.open(null, id);
        assertEquals(IdSource.NONE, session.idSource());
        assertNull(session.get("x"));
        assertFalse(session.answersInHeader());
    }

    @Test
    void signedIdsWorkTheSameAndAForgedSignatureIsNoSession() {
        SessionRuntime runtime = runtime(Map.of("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", SECRET));
        String id = stored(runtime, "signed");
        String value = runtime.ids().cookieValue(id);
        assertEquals("signed", runtime.open(null, value).get("v"));
        assertEquals(IdSource.NONE, runtime.open(null, id).idSource(), "an unsigned id is no id");
        String forged = value.substring(0, value.length() - 2) + (value.endsWith("AA") ? "BB" : "AA");
        assertEquals(IdSource.NONE, runtime.open(null, forged).idSource());
    }

    @Test
    void aHeaderClientsRegenerationAndInvalidationAreActionsForTheHeader() {
        SessionRuntime runtime = runtime(Map.of());
        String id = stored(runtime, "x");
        RequestSession login = runtime.open(null, id);
        login.regenerate();
        CookieAction renamed = login.save();
        assertEquals(CookieAction.Kind.SEND, renamed.kind());
        assertFalse(id.equals(renamed.id()));

        RequestSession logout = runtime.open(null, renamed.id());
        logout.invalidate();
        assertEquals(CookieAction.EXPIRE, logout.save());
        assertNull(runtime.open(null, renamed.id()).get("v"));
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.LogMark;
import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SESSION_COOKIE_* key, the signer, browser-session cookies, no refresh, the JSON format
 * and logins left to the container, as a browser sees them, in one server configured away from
 * every default.
 */
class CookieSettingsIT {
    private static final String SECRET = "a-long-random-secret-for-the-tests-only";
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        server = PayaraMicro.start("cookies", Map.ofEntries(
                Map.entry("SESSION_TYPE", "filesystem"),
                Map.entry("SESSION_FILE_DIR", PayaraMicro.workDir().resolve("cookies-" + System.nanoTime()).toString()),
                Map.entry("SESSION_COOKIE_NAME", "sid"),
                Map.entry("SESSION_COOKIE_DOMAIN", "127.0.0.1"),
                Map.entry("SESSION_COOKIE_PATH", "/api"),
                Map.entry("SESSION_COOKIE_HTTPONLY", "false"),
                Map.entry("SESSION_COOKIE_SECURE", "true"),
                Map.entry("SESSION_COOKIE_SAMESITE", "Strict"),
                Map.entry("SESSION_PERMANENT", "false"),
                Map.entry("SESSION_REFRESH_EACH_REQUEST", "false"),
                Map.entry("SESSION_USE_SIGNER", "true"),
                Map.entry("SESSION_SECRET_KEY", SECRET),
                Map.entry("SESSION_ID_LENGTH", "48"),
                Map.entry("SESSION_SERIALIZATION_FORMAT", "json"),
                Map.entry("SESSION_LOGIN", "false")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theCookieCarriesEveryConfiguredAttribute() {
        Browser browser = new Browser(server, "sid");
        Response put = browser.put("/api/session/a", "1");
        String cookie = put.setCookie();
        assertTrue(cookie.startsWith("sid="), cookie);
        assertTrue(cookie.contains("; Domain=127.0.0.1"), cookie);
        assertTrue(cookie.contains("; Path=/api"), cookie);
        assertTrue(cookie.contains("; Secure"), cookie);
        assertFalse(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Strict"), cookie);
        assertFalse(cookie.contains("Max-Age") || cookie.contains("Expires"), "a browser-session cookie: " + cookie);
    }

    @Test
    void theSignedValueIsIdDotSignatureAndATamperedOneIsNoSession() {
        Browser browser = new Browser(server, "sid");
        browser.put("/api/session/user", "alice");
        String value = browser.cookie().orElseThrow();
        assertTrue(value.matches("[A-Za-z0-9_-]{64}\\.[A-Za-z0-9_-]{43}"), value);
        assertEquals("{\"user\":\"alice\"}", browser.get("/api/session").body());

        String id = value.substring(0, value.indexOf('.'));
        for (String forged : new String[] {id, id + ".", value.substring(0, value.length() - 2) + "AA", id + "." + "A".repeat(43)}) {
            if (forged.equals(value)) {
                continue;
            }
            Response read = new Browser(server, "sid").withCookie(forged).get("/api/session");
            assertEquals(200, read.status());
            assertEquals("{}", read.body(), forged);
        }
    }

    @Test
    void withoutRefreshAReadOnlyRequestSetsNoCookie() {
        Browser browser = new Browser(server, "sid");
        browser.put("/api/session/a", "1");
        Response read = browser.get("/api/session");
        assertEquals("{\"a\":\"1\"}", read.body());
        assertTrue(read.setCookies().isEmpty(), String.valueOf(read.setCookies()));
    }

    @Test
    void withoutRefreshAChangeStillMovesTheExpiryAndResendsAPermanentCookie() throws InterruptedException {
        Browser browser = new Browser(server, "sid");
        browser.put("/api/session/a", "1");
        assertEquals("true", browser.get("/probe/permanent?value=true").body());
        long first = Long.parseLong(browser.get("/probe/expiry").body());
        Thread.sleep(1500);

        Response change = browser.put("/api/session/b", "2");
        assertEquals(204, change.status());
        assertTrue(change.setsCookie() && change.setCookie().contains("Max-Age="), String.valueOf(change.setCookies()));
        long second = Long.parseLong(browser.get("/probe/expiry").body());
        assertTrue(second - first >= 1000, "a changed session's expiry moved by " + (second - first) + " ms");

        Response read = browser.get("/api/session");
        assertTrue(read.setCookies().isEmpty(), "a read-only request still sets no cookie: " + read.setCookies());
        assertEquals(second, Long.parseLong(browser.get("/probe/expiry").body()), "nor moves the expiry");
    }

    @Test
    void jsonSessionsKeepIntegersAsIntegers() {
        Browser browser = new Browser(server, "sid");
        assertEquals("1", browser.post("/api/counter").body());
        assertEquals("2", browser.post("/api/counter").body());
    }

    @Test
    void corruptJsonInTheStoreIsAnEmptySessionNotAnError() throws InterruptedException {
        LogMark mark = server.logMark();
        Browser browser = new Browser(server, "sid");
        browser.put("/api/session/a", "1");
        assertEquals("corrupted", browser.get("/probe/corrupt").body());

        Response read = browser.get("/api/session");
        assertEquals(200, read.status());
        assertEquals("{}", read.body());
        assertTrue(mark.await("cannot be decoded", java.time.Duration.ofSeconds(10)), "logged while this test ran:\n" + mark.since());
    }

    @Test
    void theExpiredCookieRepeatsDomainAndPath() {
        Browser browser = new Browser(server, "sid");
        browser.put("/api/session/a", "1");
        Response invalidate = browser.post("/api/session/invalidate");
        String cookie = invalidate.setCookie();
        assertTrue(cookie.contains("Max-Age=0") && cookie.contains("; Domain=127.0.0.1") && cookie.contains("; Path=/api"), cookie);
    }

    @Test
    void withTheJsonFormatTheCartBeanFailsSayingWhyAndStoresNothing() {
        assertTrue(server.log().contains("SESSION_SERIALIZATION_FORMAT=json cannot store @ServerSessionScoped beans"),
                "the deployment warns");
        Browser browser = new Browser(server, "sid");
        Response put = browser.put("/api/cart/apple", "");
        assertEquals(500, put.status());
        assertTrue(put.body().contains("needs SESSION_SERIALIZATION_FORMAT=java"), put.body());
        assertFalse(put.body().contains("at dev.serversessions"), "no stack trace: " + put.body());
        assertFalse(browser.cookie().isPresent(), "no session was started for it");
    }

    /** JSON cannot hold a bean: a plain {@code @SessionScoped} one keeps the container's session, said once at start. */
    @Test
    void withTheJsonFormatAPlainSessionScopedBeanStaysInTheContainersSessionAndTheLogSaysSo() {
        assertTrue(server.log().contains("stay in the container's session: SESSION_SERIALIZATION_FORMAT=json"),
                "the deployment says so");
        Browser browser = new Browser(server, "sid");
        Response visit = browser.post("/api/visits");
        assertEquals(200, visit.status(), visit.body());
        assertEquals("1", visit.body());
        assertTrue(visit.setsContainerSessionCookie(), "the container's session holds it: " + visit.allSetCookies());
        assertFalse(browser.cookie().isPresent(), "no server session was started for it");
    }

    @Test
    void withSessionLoginFalseTheCallerIsNotKeptInTheServerSession() {
        Browser browser = new Browser(server, "sid");
        Response login = browser.postForm("/api/login", "username", "alice", "password", "alice-secret");
        assertEquals(204, login.status(), login.body());
        assertFalse(browser.otherCookies().containsKey("sid_login"), "no login hint: " + login.allSetCookies());
        // the example's mechanism asks the container to remember nobody: with the library's hook
        // off, the login lasted for that one request
        String whoami = browser.get("/api/whoami").body();
        assertTrue(whoami.contains("\"user\":null"), whoami);
    }
}

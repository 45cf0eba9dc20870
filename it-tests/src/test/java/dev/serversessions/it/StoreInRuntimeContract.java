package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/**
 * A store's client and backend inside a runtime other than the one its full contract runs on.
 * Every store's rules are proven once, on Payara Micro ({@code *SessionIT}), and every runtime's
 * request handling once, on the filesystem ({@code FileSystemSession*IT}); what can still differ
 * per runtime and store is whether the store's client and the backend load and work in that
 * runtime's class loading (WildFly's modules, its own JPA provider beside the WAR's EclipseLink,
 * Liberty's and GlassFish's EclipseLink). These tests show that, asking the store itself.
 */
abstract class StoreInRuntimeContract extends OneServerOnAStore {

    /** Whether the store itself holds the session of this id (asked of the store, not the server). */
    protected abstract boolean storeHolds(String sessionId) throws Exception;

    private static JsonObject json(Response response) {
        assertEquals(200, response.status(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    @Test
    void aSessionIsWrittenToTheStoreAndReadBackThroughItsCookie() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/cart", "3 items").status());
        String id = browser.cookie().orElseThrow();
        assertTrue(storeHolds(id), "the store holds the session");
        assertEquals("3 items", json(browser.get("/api/session")).getString("cart"));
        assertEquals("{}", browser().get("/api/session").body(), "another browser has none");
    }

    @Test
    void httpSessionCodeSharesTheStoredSession() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/a", "1").status());
        browser.get("/httpsession/set?name=b&value=2");
        assertEquals("1", browser.get("/httpsession/get?name=a").body());
        assertEquals("2", json(browser.get("/api/session")).getString("b"));
        assertTrue(storeHolds(browser.cookie().orElseThrow()));
    }

    @Test
    void aLoginIsKeptInTheStoreAndLogoutEndsIt() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.postForm("/api/login", "username", "alice", "password", "alice-secret").status());
        String id = browser.cookie().orElseThrow();
        assertTrue(storeHolds(id), "the login is a stored session");
        assertEquals("alice", json(browser.get("/api/whoami")).getString("user"));
        assertEquals(204, browser.post("/api/logout").status());
        assertTrue(json(browser.get("/api/whoami")).isNull("user"));
    }

    @Test
    void invalidateDeletesTheSessionFromTheStore() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/a", "1").status());
        String id = browser.cookie().orElseThrow();
        assertTrue(storeHolds(id));
        Response invalidated = browser.post("/legacy/session/invalidate");
        assertEquals(204, invalidated.status());
        assertTrue(invalidated.expiresCookie());
        assertFalse(storeHolds(id), "the store no longer holds it");
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two servers behind an imaginary load balancer, one session store: whatever one node does to a
 * session the other sees on the next request, because neither keeps sessions of its own.
 * One subclass per store starts it ({@link SharedRedisContract}, {@link SharedFileSystemContract});
 * a thin subclass of that names the two runtimes.
 */
abstract class SharedStoreContract extends TwoNodesOnOneStore {

    private static JsonObject attributes(Browser browser) {
        Response response = browser.get("/api/session");
        assertEquals(200, response.status(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    @Test
    void aSessionCreatedOnAIsReadAndChangedOnB() {
        Browser onA = new Browser(a());
        assertEquals(204, onA.put("/api/session/cart", "3 items").status());
        Browser onB = onA.on(b());

        assertEquals("3 items", attributes(onB).getString("cart"));
        assertEquals(204, onB.put("/api/session/cart", "4 items").status());
        assertEquals(204, onB.put("/api/session/coupon", "SPRING").status());

        Browser backOnA = onB.on(a());
        JsonObject seenOnA = attributes(backOnA);
        assertEquals("4 items", seenOnA.getString("cart"));
        assertEquals("SPRING", seenOnA.getString("coupon"));
        assertEquals(onA.cookie(), backOnA.cookie(), "one session id for both nodes");
    }

    /**
     * Sessions made on either node and left to expire: each is announced to the listeners of
     * exactly one of the two nodes, whichever holds the sweep's lease, within the bound.
     */
    @Test
    void eachExpiredSessionIsAnnouncedOnceAcrossBothNodes() throws Exception {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String tag = ExpiryEvents.newTag("shared" + i);
            ExpiryEvents.shortLivedSession(i % 2 == 0 ? a() : b(), tag, 1);
            tags.add(tag);
        }
        ExpiryEvents.assertEachAnnouncedOnce(List.of(a(), b()), tags);
    }

    @Test
    void logoutOnBIsSeenOnA() {
        Browser onA = new Browser(a());
        assertEquals(302, onA.postForm("/", "action", "login", "username", "alice", "password", "alice-secret").status());
        Browser onB = onA.on(b());
        assertTrue(onB.get("/").body().contains("<strong id=\"user\">alice</strong>"), "logged in on B too");
        Browser staleTabOnA = onB.on(a()); // still sends the cookies of before the logout

        Response logout = onB.postForm("/", "action", "logout");
        assertEquals(302, logout.status());
        assertTrue(logout.expiresCookie());

        String pageOnA = staleTabOnA.get("/").body();
        assertFalse(pageOnA.contains("<strong id=\"user\">"), "A still knows the user of a logged-out session:\n" + pageOnA);
        assertEquals(401, staleTabOnA.get("/api/admin").status());
    }

    @Test
    void regenerateOnAInvalidatesTheOldIdOnB() {
        Browser onA = new Browser(a());
        onA.put("/api/session/user", "alice");
        String oldId = onA.cookie().orElseThrow();

        assertEquals(204, onA.post("/api/session/regenerate").status());
        String newId = onA.cookie().orElseThrow();
        assertNotEquals(oldId, newId);

        assertEquals("{}", new Browser(b()).withCookie(oldId).get("/api/session").body(), "the old id is dead on B");
        assertEquals("alice", attributes(new Browser(b()).withCookie(newId)).getString("user"), "the new one lives on B");
    }

    @Test
    void httpSessionAttributesRoundTripAcrossTheNodes() {
        Browser onA = new Browser(a());
        assertEquals("set", onA.get("/httpsession/set?name=color&value=blue").body());
        String id = onA.cookie().orElseThrow().split("\\.", 2)[0]; // the cookie is id.signature when a secret key is set
        Browser onB = onA.on(b());

        String info = onB.get("/httpsession/info").body();
        assertTrue(info.startsWith(id + " new=false "), "B sees A's session, not a new one: " + info);
        assertEquals("blue", onB.get("/httpsession/get?name=color").body());
        assertEquals("set", onB.get("/httpsession/set?name=color&value=green").body());
        assertEquals("set", onB.get("/httpsession/set?name=size&value=L").body());

        Browser backOnA = onB.on(a());
        assertEquals("green", backOnA.get("/httpsession/get?name=color").body());
        assertEquals("[color, size]", backOnA.get("/httpsession/names").body());
        assertEquals("removed", backOnA.get("/httpsession/remove?name=color").body());
        assertEquals("null", backOnA.on(b()).get("/httpsession/get?name=color").body());
        assertEquals("L", backOnA.on(b()).get("/httpsession/get?name=size").body());
    }

    @Test
    void writesToDifferentAttributesThroughBothNodesAreAllKept() throws Exception {
        Browser browser = new Browser(a());
        browser.put("/api/session/start", "0");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "k" + i;
            Browser node = browser.on(i % 2 == 0 ? a() : b());
            puts.add(pool.submit(() -> node.put("/api/session/" + name, name)));
        }
        for (Future<Response> put : puts) {
            assertEquals(204, put.get(60, TimeUnit.SECONDS).status());
        }
        pool.shutdown();

        for (AppServer node : List.of(a(), b())) {
            JsonObject seen = attributes(browser.on(node));
            for (int i = 0; i < 20; i++) {
                assertEquals("k" + i, seen.getString("k" + i, null), "k" + i + " of " + seen);
            }
        }
    }

    @Test
    void aCartBeanFilledOnAIsReadAndChangedOnB() {
        Browser onA = new Browser(a());
        assertEquals(204, onA.put("/api/cart/apple", "").status());
        Browser onB = onA.on(b());
        assertEquals("[\"apple\"]", onB.get("/api/cart").body());
        assertEquals(204, onB.put("/api/cart/pear", "").status());
        assertEquals("[\"apple\",\"pear\"]", onB.on(a()).get("/api/cart").body());
    }

    /**
     * A plain {@code @SessionScoped} bean (the example's visit counter) is one attribute of the
     * server session named after its class, whatever the runtime's CDI calls it, so the other
     * node (another runtime too) finds it.
     */
    @Test
    void aPlainSessionScopedBeanCountedOnAGoesOnCountingOnB() {
        Browser onA = new Browser(a());
        assertEquals("1", visit(onA));
        Browser onB = onA.on(b());
        assertEquals("2", visit(onB));
        assertEquals("3", visit(onB));
        assertEquals("4", visit(onB.on(a())));
    }

    private static String visit(Browser browser) {
        Response response = browser.post("/api/visits");
        assertEquals(200, response.status(), response.body());
        assertNoContainerSession(response);
        return response.body();
    }

    @Test
    void fiftyBeansChangedAtOnceThroughBothNodesAreAllKept() throws Exception {
        Browser browser = new Browser(a());
        // all fifty exist before: each request then loads all of them and must write back only its own
        assertEquals(",".repeat(49), browser.get("/beans/slots").body());
        assertTrue(browser.cookie().isPresent());
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Response>> puts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String path = "/beans/slot/" + i;
            String value = "v" + i;
            Browser node = browser.on(i % 2 == 0 ? a() : b());
            puts.add(pool.submit(() -> node.put(path, value)));
            expected.add(value);
        }
        try {
            for (Future<Response> put : puts) {
                assertEquals(204, put.get(120, TimeUnit.SECONDS).status());
            }
        } finally {
            pool.shutdownNow();
        }
        for (AppServer node : List.of(a(), b())) {
            assertEquals(String.join(",", expected), browser.on(node).get("/beans/slots").body(), node.toString());
        }
    }

    @Test
    void aWriteOnBRacingALoginOnAFailsVisiblyAndTheLoginKeepsItsSession() throws Exception {
        Browser onA = new Browser(a());
        onA.put("/api/session/user", "alice");
        String latch = "race-" + java.util.UUID.randomUUID();
        Browser onB = onA.on(b());
        CompletableFuture<Response> write = CompletableFuture.supplyAsync(
                () -> onB.get("/probe/hold?latch=" + latch + "&name=user&then=put&put=theme&value=dark"));
        assertEquals("true", new Browser(b()).get("/probe/await-held?latch=" + latch).body());

        assertEquals(204, onA.post("/api/session/regenerate").status());
        new Browser(b()).get("/probe/release?latch=" + latch);
        Response late = write.get(60, TimeUnit.SECONDS);

        // B remembers nothing of A's rename: the store's answer alone makes the write fail
        assertEquals(409, late.status(), late.body());
        assertTrue(late.setCookies().isEmpty(), String.valueOf(late.setCookies()));
        JsonObject after = attributes(onA.on(b()));
        assertEquals("alice", after.getString("user"));
        assertFalse(after.containsKey("theme"));
    }

    @Test
    void aLoginOnARacingALogoutOnBDoesNotBringTheSessionBack() throws Exception {
        Browser onA = new Browser(a());
        onA.put("/api/session/user", "alice");
        String oldId = onA.cookie().orElseThrow();
        String latch = "race-" + java.util.UUID.randomUUID();
        Browser loginOnA = onA.on(a());
        CompletableFuture<Response> login = CompletableFuture.supplyAsync(
                () -> loginOnA.get("/probe/hold?latch=" + latch + "&name=user&then=regenerate"));
        assertEquals("true", new Browser(a()).get("/probe/await-held?latch=" + latch).body());

        Response logout = onA.on(b()).post("/api/session/invalidate");
        assertTrue(logout.expiresCookie());
        new Browser(a()).get("/probe/release?latch=" + latch);
        Response late = login.get(60, TimeUnit.SECONDS);

        assertEquals(409, late.status(), "the logged-out session must not come back under a new id: " + late.body());
        assertFalse(late.setsCookie(), String.valueOf(late.setCookies()));
        assertEquals("{}", new Browser(b()).withCookie(oldId).get("/api/session").body());
    }

    // ---- logins (issue 12): the caller lives in the store, not in either server ----

    /** Logs in through the example's API ({@code POST /api/login}, Jakarta Security). */
    protected static Response logIn(Browser browser, String user, String password) {
        Response login = browser.postForm("/api/login", "username", user, "password", password);
        assertNoContainerSession(login);
        return login;
    }

    protected static JsonObject whoami(Browser browser) {
        Response response = browser.get("/api/whoami");
        assertEquals(200, response.status(), response.body());
        assertNoContainerSession(response);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    protected static int admin(Browser browser) {
        Response response = browser.get("/api/admin");
        assertNoContainerSession(response);
        return response.status();
    }

    /** {@code GET /rest/admin}: a JAX-RS resource with {@code @RolesAllowed("admin")}. */
    protected static Response restAdmin(Browser browser) {
        Response response = browser.get("/rest/admin");
        assertNoContainerSession(response);
        return response;
    }

    /** The container's own session is never needed: no JSESSIONID, on any runtime. */
    protected static void assertNoContainerSession(Response response) {
        assertTrue(response.allSetCookies().stream().noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("JSESSIONID")),
                "the container's own session was used: " + response.allSetCookies());
    }


    @Test
    void aLoginOnAIsTheSameCallerWithTheSameRolesOnB() {
        Browser alice = new Browser(a());
        assertEquals(204, logIn(alice, "alice", "alice-secret").status());
        JsonObject onB = whoami(alice.on(b()));
        assertEquals("alice", onB.getString("user"), onB.toString());
        assertEquals(List.of("admin", "user"), onB.getJsonArray("roles").getValuesAs(jakarta.json.JsonString::getString));
        assertTrue(onB.getString("server").endsWith(":" + b().url("/").getPort()), "B answered: " + onB);
        assertEquals(200, admin(alice.on(b())), "role admin on B");
        Response restOnB = restAdmin(alice.on(b()));
        assertEquals(200, restOnB.status(), "@RolesAllowed(\"admin\") on B: " + restOnB.body());
        assertEquals("alice", Json.createReader(new StringReader(restOnB.body())).readObject().getString("admin"));
        assertEquals(200, restAdmin(alice.on(a())).status(), "@RolesAllowed(\"admin\") on A");

        Browser bob = new Browser(b());
        assertEquals(204, logIn(bob, "bob", "bob-secret").status());
        JsonObject bobOnA = whoami(bob.on(a()));
        assertEquals("bob", bobOnA.getString("user"));
        assertEquals(List.of("user"), bobOnA.getJsonArray("roles").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(403, admin(bob.on(a())), "logged in, but not in role admin");
        assertEquals(403, admin(bob.on(b())));
        assertEquals(403, restAdmin(bob.on(a())).status(), "@RolesAllowed(\"admin\"), logged in without the role");
        assertEquals(403, restAdmin(bob.on(b())).status());

        Browser anonymous = new Browser(b());
        JsonObject nobody = whoami(anonymous);
        assertTrue(nobody.isNull("user"), nobody.toString());
        assertEquals(0, nobody.getJsonArray("roles").size());
        assertEquals(401, admin(anonymous));
        assertEquals(401, admin(new Browser(a())));
        // JAX-RS answers an anonymous caller 401 or 403 depending on the implementation; never 200
        assertNotEquals(200, restAdmin(anonymous).status(), "anonymous on B");
        assertNotEquals(200, restAdmin(new Browser(a())).status(), "anonymous on A");
        assertTrue(anonymous.cookie().isEmpty(), "asking who is logged in creates no session");
    }

    @Test
    void wrongCredentialsAre401AndLogNobodyIn() {
        Browser browser = new Browser(a());
        Response wrong = logIn(browser, "alice", "bob-secret");
        assertEquals(401, wrong.status());
        assertFalse(wrong.setsCookie(), "a failed login stores nothing");
        assertEquals(401, logIn(browser, "mallory", "alice-secret").status());
        assertTrue(whoami(browser.on(b())).isNull("user"));
    }

    @Test
    void loginChangesTheSessionIdAndThePreLoginIdIsDead() {
        Browser browser = new Browser(a());
        assertEquals(204, browser.put("/api/session/cart", "2 items").status());
        String before = browser.cookie().orElseThrow();

        Response login = logIn(browser, "alice", "alice-secret");
        assertEquals(204, login.status());
        String after = browser.cookie().orElseThrow();
        assertNotEquals(before, after, "the id a client had before logging in must not carry the login");
        assertEquals("2 items", attributes(browser.on(b())).getString("cart"), "the session's data moved with it");

        // an attacker who planted or learnt the pre-login id, with every cookie the victim had
        Browser planted = browser.on(b()).withCookie(before);
        assertTrue(whoami(planted).isNull("user"), "the pre-login id is not logged in");
        assertEquals(401, admin(planted));
        assertEquals("{}", new Browser(b()).withCookie(before).get("/api/session").body(), "the pre-login id is dead");
    }

    @Test
    void logoutOnBEndsTheLoginOnA() {
        Browser alice = new Browser(a());
        assertEquals(204, logIn(alice, "alice", "alice-secret").status());
        assertEquals(200, admin(alice));
        Browser otherTabOnA = alice.on(a()); // keeps the cookies it had: the logout must not rely on them

        Response logout = alice.on(b()).post("/api/logout");
        assertEquals(204, logout.status());
        assertNoContainerSession(logout);

        assertTrue(whoami(otherTabOnA).isNull("user"), "A still knows the caller of a logged-out session");
        assertEquals(401, admin(otherTabOnA));
        assertEquals(401, admin(alice.on(a())));
    }

    @Test
    void invalidatingTheSessionEndsTheLoginEverywhere() {
        Browser alice = new Browser(a());
        assertEquals(204, logIn(alice, "alice", "alice-secret").status());
        Browser stale = alice.on(b());
        assertEquals(204, alice.on(b()).post("/api/session/invalidate").status());
        assertEquals(401, admin(stale.on(a())));
        Browser legacy = new Browser(b());
        assertEquals(204, logIn(legacy, "bob", "bob-secret").status());
        Browser staleLegacy = legacy.on(a());
        assertEquals(204, legacy.on(a()).post("/legacy/session/invalidate").status());
        assertTrue(whoami(staleLegacy.on(b())).isNull("user"), "HttpSession.invalidate() ends the login");
    }

    /**
     * A restart of A (each class's one): a login made before it is still known on both nodes,
     * and a login-to-continue started before it (the request saved, the login form shown) is
     * finished after it: the saved request and the login it waits for outlive the node that
     * saved them.
     */
    @Test
    void aRestartedNodeStillKnowsTheLoginAndAPendingLoginToContinue() {
        restartedNodeStillKnowsTheLogin(true);
    }

    protected void restartedNodeStillKnowsTheLogin(boolean withPendingLoginToContinue) {
        Browser alice = new Browser(a());
        assertEquals(204, logIn(alice, "alice", "alice-secret").status());
        Browser pending = withPendingLoginToContinue ? new Browser(a()) : null;
        String action = pending == null ? null : loginFormOf(pending, pending);
        a().restart();
        JsonObject afterRestart = whoami(alice);
        assertEquals("alice", afterRestart.getString("user"), afterRestart.toString());
        assertEquals(200, admin(alice));
        assertEquals(200, admin(alice.on(b())));
        if (pending != null) {
            finishLoginToContinue(pending, action);
        }
    }

    /**
     * Jakarta Security's login-to-continue ({@code @LoginToContinue} on the example's
     * {@code /account} pages) across the two nodes: the request saved on A before the redirect
     * to the login page is found by B, which checks the form's post and sends the browser back
     * to A, where the saved request is restored and the caller kept. No step uses the
     * container's session.
     */
    @Test
    void aLoginToContinueStartedOnAIsPostedOnBAndFinishedOnA() {
        Browser onA = new Browser(a());
        String action = loginFormOf(onA, onA.on(b()));
        Browser onB = onA.on(b());

        Response posted = onB.postForm(action, "username", "alice", "password", "alice-secret");
        assertNoContainerSession(posted);
        assertTrue(posted.status() == 302 || posted.status() == 303, posted.status() + " " + posted.body());
        assertEquals("/account", java.net.URI.create(posted.location()).getPath(), "back to the page asked for");

        Browser backOnA = onB.on(a());
        Response account = backOnA.get("/account");
        assertNoContainerSession(account);
        assertEquals(200, account.status(), account.body());
        assertTrue(account.body().contains("<strong id=\"user\">alice</strong>"), account.body());
        Response again = backOnA.on(b()).get("/account");
        assertNoContainerSession(again);
        assertEquals(200, again.status(), "the caller is in the server session: " + again.body());
        assertTrue(again.body().contains("<strong id=\"user\">alice</strong>"), again.body());
    }

    /** The saved request and the login it waits for outlive a restart of {@code server}, the node that saved it. */
    protected static void loginToContinueSurvivesARestartOf(AppServer server) {
        Browser browser = new Browser(server);
        String action = loginFormOf(browser, browser);

        server.restart();

        finishLoginToContinue(browser, action);
    }

    /** Posts bob's credentials to the login form's {@code action}: back to {@code /account}, as bob. */
    protected static void finishLoginToContinue(Browser browser, String action) {
        Response posted = browser.postForm(action, "username", "bob", "password", "bob-secret");
        assertNoContainerSession(posted);
        assertTrue(posted.status() == 302 || posted.status() == 303, posted.status() + " " + posted.body());
        assertEquals("/account", java.net.URI.create(posted.location()).getPath());
        Response account = browser.get("/account");
        assertNoContainerSession(account);
        assertEquals(200, account.status(), account.body());
        assertTrue(account.body().contains("<strong id=\"user\">bob</strong>"), account.body());
    }

    /**
     * {@code GET /account} as an anonymous {@code asker}: a redirect to the login page, which
     * {@code pageReader} fetches; answers the form's action, after checking its fields.
     */
    protected static String loginFormOf(Browser asker, Browser pageReader) {
        Response asked = asker.get("/account");
        assertNoContainerSession(asked);
        assertTrue(asked.status() == 302 || asked.status() == 303, asked.status() + " " + asked.body());
        assertTrue(asked.setsCookie(), "the saved request lives in the server session: " + asked.allSetCookies());
        pageReader.withCookie(asker.cookie().orElseThrow());
        Response page = pageReader.get(java.net.URI.create(asked.location()).getPath());
        assertNoContainerSession(page);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("name=\"username\"") && page.body().contains("name=\"password\""), page.body());
        java.util.regex.Matcher action = java.util.regex.Pattern.compile("<form[^>]*action=\"([^\"]+)\"").matcher(page.body());
        assertTrue(action.find(), page.body());
        return action.group(1);
    }
}

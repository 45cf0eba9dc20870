package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.FacesCounter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code @ServerSessionScoped} beans through real HTTP: the example's cart ({@code /api/cart})
 * and the test WAR's fifty slot beans ({@code /beans/*}); and a plain {@code @SessionScoped}
 * bean, the example's visit counter ({@code /api/visits}), kept in the server session too. Mixed into a backend's contract, so it
 * runs on the servers that contract already starts.
 */
interface SessionScopedBeansContract {
    HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * The key of the servers under test: Faces' view state is the runtime's own, read back only
     * when sealed with it, so a view survives a restart only with a key the restarted server has.
     */
    String SECRET_KEY = "a-long-random-secret-for-the-sealed-faces-state-of-this-test";

    /** {@code env} and {@code SESSION_SECRET_KEY}: the settings of a server under this contract. */
    static Map<String, String> withSecretKey(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("SESSION_SECRET_KEY", SECRET_KEY);
        return Map.copyOf(all);
    }

    /** The running server under test. */
    AppServer beanServer();

    /**
     * A session's attributes and both kinds of bean survive a restart of the server: an attribute
     * of another session, the cart ({@code @ServerSessionScoped}) and a plain CDI
     * {@code @SessionScoped} bean (the example's {@code Visits}, which imports nothing of the
     * library), carried by the store's cookie alone, never the container's session, and no
     * attribute the application sees. So does a Faces view of an application that changed no
     * Faces setting (server-side state saving) and its {@code @ViewScoped} bean (Mojarra's, or
     * MyFaces' on Open Liberty, which keeps it in a session bean of its own): a postback after the
     * restart carries on counting. So does a long-running CDI conversation and its
     * {@code @ConversationScoped} bean, found by its {@code cid} and the store's cookie alone. The
     * one restart of the server each class pays.
     */
    @Test
    default void attributesTheCartAndAPlainSessionScopedBeanSurviveARestartOfTheServer() throws Exception {
        Browser attributes = new Browser(beanServer());
        assertEquals(204, attributes.put("/api/session/cart", "3 items").status());
        Browser browser = new Browser(beanServer());
        assertEquals(204, browser.put("/api/cart/apple", "").status());
        assertTrue(browser.cookie().isPresent(), "the first item starts the session");
        assertEquals(204, browser.put("/api/cart/pear", "").status());
        assertEquals("{}", browser.get("/api/session").body(), "the bean is no attribute of the application's");

        HttpResponse<String> first = visit(null);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                first.headers().firstValue("Content-Type").toString());
        assertEquals("1", first.body());
        assertTrue(first.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("session=")),
                "a new bean starts the server session: " + first.headers().allValues("Set-Cookie"));
        String cookie = "session=" + browser.cookie().orElseThrow();
        assertEquals("1", visit(cookie).body());
        assertEquals("2", visit(cookie).body(), "the count did not follow the store's session cookie alone");
        assertEquals("3", visit(cookie).body());
        assertEquals("{}", browser.get("/api/session").body(), "the @SessionScoped bean is no attribute of the application's");
        assertEquals("[]", browser.get("/httpsession/names").body(), "nor of the HttpSession's");
        FacesCounter view = FacesCounter.open(new Browser(beanServer()));
        assertEquals(1, view.increment());
        assertEquals(2, view.increment());
        Browser talk = new Browser(beanServer());
        String cid = conversation(talk, "POST", null);
        assertEquals("1", conversation(talk, "POST", cid));

        beanServer().restart();

        assertEquals(3, view.increment(), "the Faces view (its server-side state and @ViewScoped bean) did not survive the restart");
        assertEquals("{\"cart\":\"3 items\"}", attributes.get("/api/session").body(), "the attribute did not survive the restart");
        Response cart = browser.get("/api/cart");
        assertEquals(200, cart.status(), cart.body());
        assertEquals("[\"apple\",\"pear\"]", cart.body());
        assertTrue(browser.get("/").body().contains("<li>pear</li>"), "the page shows the same cart");
        assertEquals("4", visit(cookie).body(), "the @SessionScoped bean did not survive the restart");
        assertEquals("2", conversation(talk, "POST", cid), "the conversation did not survive the restart");
    }

    /**
     * A long-running CDI conversation of an unchanged application ({@code Conversation.begin()}
     * and a {@code @ConversationScoped} bean, the {@code cid} in the query) lives in the server
     * session: beginning it starts the server session, never the container's, and its bean is no
     * attribute the application sees; ending it ends the bean. A transient conversation (no
     * {@code begin()}), the default, stores nothing and starts no session.
     */
    @Test
    default void aConversationLivesInTheServerSessionAndATransientOneStoresNothing() {
        Browser passing = new Browser(beanServer());
        Response once = passing.get("/beans/conversation");
        assertEquals("true,1", once.body(), "a transient conversation");
        assertEquals(List.of(), once.allSetCookies(), "a transient conversation started a session");
        assertEquals("true,1", passing.get("/beans/conversation").body(), "a transient conversation outlived its request");

        Browser talk = new Browser(beanServer());
        String cid = conversation(talk, "POST", null);
        assertTrue(talk.cookie().isPresent(), "beginning a conversation starts the server session");
        assertEquals("1", conversation(talk, "POST", cid));
        assertEquals("2", conversation(talk, "POST", cid));
        assertEquals("[]", talk.get("/httpsession/names").body(), "the conversation is no attribute of the application's");
        assertEquals("true,1", talk.get("/beans/conversation").body(), "without its cid, a request has a transient conversation");
        assertEquals("3", conversation(talk, "DELETE", cid));
        Response ended = talk.post("/beans/conversation?cid=" + cid);
        assertNotEquals("4", ended.body(), "an ended conversation kept its bean");
        assertFalse(ended.setsContainerSessionCookie(), ended.allSetCookies().toString());
    }

    /** One call of {@code /beans/conversation} (the cid's, if given): its answer; never a JSESSIONID. */
    private static String conversation(Browser browser, String method, String cid) {
        Response response = browser.send(method, "/beans/conversation" + (cid == null ? "" : "?cid=" + cid), null);
        assertEquals(200, response.status(), method + " cid=" + cid + ": " + response.body());
        assertFalse(response.setsContainerSessionCookie(), "the container's session was created: " + response.allSetCookies());
        return response.body();
    }

    @Test
    default void fiftyConcurrentRequestsChangingFiftyBeansKeepAllFifty() throws Exception {
        Browser browser = new Browser(beanServer());
        // all fifty exist before: each request then loads all of them and must write back only its own
        assertEquals(",".repeat(49), browser.get("/beans/slots").body());
        assertTrue(browser.cookie().isPresent());
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> puts = new ArrayList<>();
        StringJoiner expected = new StringJoiner(",");
        for (int i = 0; i < 50; i++) {
            int slot = i;
            Browser sameSession = browser.on(beanServer());
            puts.add(pool.submit(() -> {
                start.await();
                return sameSession.put("/beans/slot/" + slot, "v" + slot);
            }));
            expected.add("v" + i);
        }
        start.countDown();
        try {
            for (Future<Response> put : puts) {
                Response response = put.get(120, TimeUnit.SECONDS);
                assertEquals(204, response.status(), response.body());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(expected.toString(), browser.get("/beans/slots").body());
    }

    @Test
    default void invalidatingTheSessionEmptiesTheCart() {
        Browser browser = new Browser(beanServer());
        browser.put("/api/cart/apple", "");
        String id = browser.cookie().orElseThrow();
        assertEquals(204, browser.post("/api/session/invalidate").status());
        assertEquals("[]", new Browser(beanServer()).withCookie(id).get("/api/cart").body());
    }

    @Test
    default void beansNeverNeedTheContainersSession() throws Exception {
        Browser browser = new Browser(beanServer());
        browser.put("/api/cart/apple", "");
        String cookie = "session=" + browser.cookie().orElseThrow();
        for (String[] call : new String[][] {{"PUT", "/api/cart/pear"}, {"GET", "/api/cart"}, {"GET", "/"},
                {"PUT", "/beans/slot/3"}, {"GET", "/beans/slots"}, {"POST", "/api/visits"}}) {
            HttpRequest request = HttpRequest.newBuilder(beanServer().url(call[1])).header("Cookie", cookie)
                    .method(call[0], call[0].equals("GET") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("x")).build();
            HttpResponse<String> response = RAW.send(request, HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() < 300, call[1] + ": " + response.statusCode());
            List<String> setCookies = response.headers().allValues("Set-Cookie");
            assertTrue(setCookies.stream().noneMatch(c -> c.toUpperCase().startsWith("JSESSIONID")),
                    call[0] + " " + call[1] + " set " + setCookies);
        }
    }

    @Test
    default void invalidatingTheSessionGivesAFreshSessionScopedBean() throws Exception {
        Browser browser = new Browser(beanServer());
        assertEquals("1", browser.post("/api/visits").body());
        assertEquals("2", browser.post("/api/visits").body());
        String id = browser.cookie().orElseThrow();
        assertEquals(204, browser.post("/api/session/invalidate").status());
        assertEquals("1", visit("session=" + id).body(), "the invalidated session's bean came back");
        assertEquals("1", browser.post("/api/visits").body());
    }

    /**
     * The bean used in an async dispatch (its own pass through the filter) is the server
     * session's too. Payara and GlassFish leave Weld's session context inactive there (measured:
     * "WELD-001303: No active contexts for scope type SessionScoped", a 500); the library sets it
     * up. WildFly and Open Liberty activate it themselves.
     */
    @Test
    default void aSessionScopedBeanUsedInAnAsyncDispatchIsInTheServerSession() throws Exception {
        HttpResponse<String> first = post("/beans/visit-async", null);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("1", first.body());
        String cookie = first.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("session="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new AssertionError("no server session: " + first.headers().map()));
        assertEquals("2", visit(cookie).body());
        assertEquals("3", post("/beans/visit-async", cookie).body());
    }

    /** POST /api/visits with only the given cookie header (none if null); never a JSESSIONID in the answer. */
    private HttpResponse<String> visit(String cookie) throws Exception {
        return post("/api/visits", cookie);
    }

    private HttpResponse<String> post(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(beanServer().url(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        HttpResponse<String> response = RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
        List<String> setCookies = response.headers().allValues("Set-Cookie");
        assertTrue(setCookies.stream().noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("JSESSIONID")),
                "the container's session was created: " + setCookies);
        return response;
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code @ServerSessionScoped} beans through real HTTP: the example's cart ({@code /api/cart})
 * and the test WAR's fifty slot beans ({@code /beans/*}). Mixed into a backend's contract, so it
 * runs on the servers that contract already starts.
 */
interface SessionScopedBeansContract {
    HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** The running server under test. */
    AppServer beanServer();

    @Test
    default void theCartIsABeanInTheSessionAndSurvivesARestartOfTheServer() {
        Browser browser = new Browser(beanServer());
        assertEquals(204, browser.put("/api/cart/apple", "").status());
        assertTrue(browser.cookie().isPresent(), "the first item starts the session");
        assertEquals(204, browser.put("/api/cart/pear", "").status());
        assertEquals("{}", browser.get("/api/session").body(), "the bean is no attribute of the application's");

        beanServer().restart();

        Response cart = browser.get("/api/cart");
        assertEquals(200, cart.status(), cart.body());
        assertEquals("[\"apple\",\"pear\"]", cart.body());
        assertTrue(browser.get("/").body().contains("<li>pear</li>"), "the page shows the same cart");
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
                {"PUT", "/beans/slot/3"}, {"GET", "/beans/slots"}}) {
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

    /**
     * The runtime's CDI keeps {@code @SessionScoped} beans in its own session, reached through
     * the request it saw before any filter ran, not through the library's request: the README's
     * reason for a scope of the library's own. If this ever fails, a runtime changed that.
     */
    @Test
    default void aPlainSessionScopedBeanStaysInTheContainersSessionNotInTheStore() throws Exception {
        Browser browser = new Browser(beanServer());
        browser.put("/api/session/a", "1");
        String cookie = "session=" + browser.cookie().orElseThrow();
        for (int i = 0; i < 2; i++) {
            HttpRequest request = HttpRequest.newBuilder(beanServer().url("/beans/container-session"))
                    .header("Cookie", cookie).GET().build();
            HttpResponse<String> response = RAW.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals("1", response.body(), "the count did not follow the store's session cookie alone");
            assertTrue(response.headers().allValues("Set-Cookie").stream()
                    .anyMatch(c -> c.toUpperCase().startsWith("JSESSIONID")), "the container's session was created");
        }
        assertEquals("[a]", browser.get("/httpsession/names").body(), "nothing of the bean in the store's session");
    }
}

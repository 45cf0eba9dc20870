package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * request.getSession() backed by the store, one test per HttpSession API method and event,
 * modelled on the Servlet TCK's HttpSession tests (which are not on Maven Central). The battery
 * depends on the runtime (its listeners and request wrapping) and on the store (its expiry), so
 * it is mixed into each runtime's filesystem class and each store's Payara class, and runs on
 * the server that class already starts (on the default settings but for its store).
 */
interface HttpSessionApiContract {

    /** The running server under test. */
    AppServer httpSessionServer();

    @BeforeEach
    default void forgetEarlierHttpSessionEvents() {
        events();
    }

    private Browser browser() {
        return new Browser(httpSessionServer());
    }

    /** The events of this test's own requests: sessions other tests let expire are announced whenever the sweep finds them. */
    private List<String> events() {
        return allEvents().stream().filter(e -> !e.startsWith("expired: ")).toList();
    }

    private List<String> allEvents() {
        String body = new Browser(httpSessionServer()).get("/httpsession/events").body();
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    @Test
    default void getSessionFalseIsNullWithoutASessionAndCreatesNothing() {
        Browser browser = browser();
        Response exists = browser.get("/httpsession/exists");
        assertEquals("false", exists.body());
        assertTrue(exists.setCookies().isEmpty());
        assertTrue(browser.get("/httpsession/get?name=x").body().equals("no session"));
    }

    @Test
    default void attributesRoundTripAcrossRequestsAndShareTheServerSession() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=color&value=blue");
        assertEquals("blue", browser.get("/httpsession/get?name=color").body());
        assertEquals("blue", SessionSemanticsContract.attribute(browser, "color"));
        browser.put("/api/session/size", "L");
        assertEquals("[color, size]", browser.get("/httpsession/names").body());
        browser.get("/httpsession/remove?name=color");
        assertEquals("null", browser.get("/httpsession/get?name=color").body());
    }

    @Test
    default void theContainersOwnSessionIsNeverCreated() {
        Response response = browser().get("/httpsession/container-session");
        assertEquals("true", response.body());
        // every Set-Cookie header: setCookies() holds only the server session's cookie
        assertFalse(response.setsContainerSessionCookie(), String.valueOf(response.allSetCookies()));
    }

    @Test
    default void idTimesNewnessAndContextAreTheServerSessions() {
        Browser browser = browser();
        String first = browser.get("/httpsession/info").body();
        assertTrue(first.contains(" new=true "), first);
        assertTrue(first.contains(" max=2678400 "), first);
        assertTrue(first.endsWith(" context=true"), first);
        browser.get("/httpsession/set?name=a&value=1");
        String id = browser.cookie().orElseThrow();
        String second = browser.get("/httpsession/info").body();
        assertTrue(second.startsWith(id + " new=false "), second + " / " + id);
        long created = Long.parseLong(second.replaceAll(".* created=(\\d+) .*", "$1"));
        long accessed = Long.parseLong(second.replaceAll(".* accessed=(\\d+) .*", "$1"));
        assertTrue(created > 0 && accessed >= created, second);
    }

    @Test
    default void theRequestedIdIsReportedFromTheCookie() {
        Browser browser = browser();
        assertEquals("null valid=false cookie=false url=false", browser.get("/httpsession/requested").body());
        browser.get("/httpsession/set?name=a&value=1");
        String id = browser.cookie().orElseThrow();
        assertEquals(id + " valid=true cookie=true url=false", browser.get("/httpsession/requested").body());
        String unknown = "B".repeat(43);
        assertEquals(unknown + " valid=false cookie=true url=false",
                browser().withCookie(unknown).get("/httpsession/requested").body());
    }

    @Test
    default void sessionCreatedFiresOnceForANewSession() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=a&value=1");
        browser.get("/httpsession/set?name=b&value=2");
        assertEquals(List.of("created", "added a=1", "added b=2"), events());
    }

    @Test
    default void attributeListenersSeeAddReplaceAndRemove() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=a&value=1");
        browser.get("/httpsession/set?name=a&value=2");
        browser.get("/httpsession/remove?name=a");
        assertEquals(List.of("created", "added a=1", "replaced a=1", "removed a=2"), events());
    }

    /**
     * HttpSession.setAttribute refuses a value over SESSION_MAX_SIZE (4 MiB by default) with the
     * library's SessionTooLargeException, which the example answers 413; no listener hears of
     * it and the session keeps its other attributes.
     */
    @Test
    default void setAttributeOfAValueTooLargeForTheStoreIsRefusedAndTheSessionKept() {
        Browser browser = browser();
        assertEquals(204, browser.put("/legacy/session/user", "alice").status());
        events();
        Response refused = browser.put("/legacy/session/big", "x".repeat(4 * 1024 * 1024 + 10));
        assertEquals(413, refused.status(), refused.body());
        assertTrue(refused.body().contains("'big'") && refused.body().contains("4194304"), refused.body());
        assertEquals(List.of(), events().stream().filter(e -> e.contains("big")).toList(), "no listener was told");
        String attributes = browser.get("/legacy/session").body();
        assertTrue(attributes.contains("alice") && !attributes.contains("big"), attributes);
    }

    @Test
    default void bindingListenersAreToldOnPutReplaceRemoveAndInvalidate() {
        Browser browser = browser();
        browser.get("/httpsession/bind?name=v&value=first");
        browser.get("/httpsession/bind?name=v&value=second");
        browser.get("/httpsession/remove?name=v");
        browser.get("/httpsession/bind?name=w&value=third");
        browser.post("/legacy/session/invalidate");
        List<String> events = events().stream().filter(e -> e.startsWith("bound") || e.startsWith("unbound")).toList();
        assertEquals(List.of("bound first", "bound second", "unbound first", "unbound second", "bound third", "unbound third"), events);
    }

    @Test
    default void invalidateFiresDestroyedWithTheDataStillThereThenEveryUseThrows() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=a&value=1");
        events();
        Response response = browser.get("/httpsession/invalidate-then-use");
        assertEquals("refused 8 new=none", response.body());
        assertTrue(response.expiresCookie());
        List<String> events = events();
        assertTrue(events.contains("destroyed m"), events.toString());
        assertTrue(events.contains("removed a=1"), events.toString());
        assertEquals("{}", browser.get("/api/session").body());
    }

    @Test
    default void changeSessionIdRegeneratesAndTellsTheIdListener() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=user&value=alice");
        String before = browser.cookie().orElseThrow();
        events();

        assertEquals("true", browser.get("/httpsession/change-id").body());
        String after = browser.cookie().orElseThrow();
        assertNotEquals(before, after);
        assertEquals(List.of("idChanged true"), events());
        assertEquals("alice", browser.get("/httpsession/get?name=user").body());
        assertEquals("no session", browser().withCookie(before).get("/httpsession/get?name=user").body());
    }

    @Test
    default void setMaxInactiveIntervalGivesTheSessionItsOwnExpiry() throws InterruptedException {
        Browser browser = browser();
        browser.get("/httpsession/set?name=a&value=1");
        assertEquals("2", browser.get("/httpsession/max-inactive?value=2").body());
        assertTrue(browser.get("/httpsession/info").body().contains(" max=2 "));
        Thread.sleep(3500);
        assertEquals("no session", browser.get("/httpsession/get?name=a").body());
    }

    /**
     * Servlet 7.6: a session that times out is invalidated like one that {@code invalidate()}
     * ends, its listeners told while its attributes can still be read; here the store's sweep
     * finds it, within a second on a test server ({@code SESSION_EXPIRY_SWEEP_INTERVAL=1}).
     */
    @Test
    default void anExpiredSessionIsDestroyedOnceWithItsAttributesReadable() throws InterruptedException {
        Browser browser = browser();
        String marker = "m" + System.nanoTime();
        browser.get("/httpsession/set?name=marker&value=" + marker);
        assertEquals("1", browser.get("/httpsession/max-inactive?value=1").body());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new java.util.ArrayList<>();
        while (!seen.contains("expired: destroyed " + marker) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen.addAll(allEvents());
        }
        assertTrue(seen.contains("expired: destroyed " + marker), "sessionDestroyed saw the expired session's marker: " + seen);
        Thread.sleep(100); // the attribute is unbound right after the destroyed listeners ran
        seen.addAll(allEvents());
        assertTrue(seen.contains("expired: removed marker=" + marker), seen.toString());
        assertEquals(1, seen.stream().filter(("expired: destroyed " + marker)::equals).count(), seen.toString());
        assertTrue(seen.contains("expired: java:comp " + marker), "the listener ran in the application's context"
                + " (java:comp/BeanManager found), as in the container's own expiry: " + seen);
        assertEquals("no session", browser.get("/httpsession/get?name=marker").body());
    }

    @Test
    default void aNonPositiveMaxInactiveIntervalMeansNeverExpires() {
        Browser browser = browser();
        browser.get("/httpsession/set?name=a&value=1");
        assertEquals("0", browser.get("/httpsession/max-inactive?value=0").body());
        long expiry = Long.parseLong(browser.get("/probe/expiry").body());
        assertTrue(expiry - System.currentTimeMillis() > 365L * 24 * 3600 * 1000, "expires in years, not days");
        assertFalse(browser.get("/httpsession/get?name=a").body().equals("no session"));
    }
}

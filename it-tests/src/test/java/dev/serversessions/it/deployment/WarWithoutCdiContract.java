package dev.serversessions.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.HttpTarget;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1: "the filter (and {@code request.getSession()} wrapping) works even without CDI".
 * The WAR ({@link Archives#withoutCdi}) is code written against {@code HttpSession} only.
 */
interface WarWithoutCdiContract {
    String NAME = "nocdi";

    /** The WAR {@link Archives#withoutCdi} deployed at {@code /nocdi}. */
    HttpTarget withoutCdi();

    private Browser browser() {
        return new Browser(withoutCdi());
    }

    @Test
    default void httpSessionCodeGetsTheServerSessionWithoutCdi() throws Exception {
        Browser browser = browser();
        Response put = browser.put("/legacy/cart", "3 items");
        assertEquals(204, put.status(), put.body());
        assertTrue(put.setsCookie(), "the library's cookie, set by its filter: " + put.setCookies());
        String id = browser.cookie().orElseThrow();

        assertEquals("id=" + id + "\ncart=3 items\n", browser.get("/legacy").body(),
                "the HttpSession the servlet sees is the server session of the cookie");

        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(withoutCdi()
                .url("/legacy/more")).PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, raw.statusCode());
        assertTrue(raw.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("JSESSIONID")),
                "the container's own session is never created: " + raw.headers().allValues("Set-Cookie"));
    }

    @Test
    default void invalidatingTheHttpSessionDeletesTheServerSession() {
        Browser browser = browser();
        browser.put("/legacy/user", "alice");
        String id = browser.cookie().orElseThrow();

        Response invalidate = browser.post("/legacy/invalidate");
        assertEquals(204, invalidate.status());
        assertTrue(invalidate.expiresCookie(), String.valueOf(invalidate.setCookies()));
        assertEquals("", new Browser(withoutCdi()).withCookie(id).get("/legacy").body());
    }

    /**
     * Whether this runtime injects {@code @Inject ServerSession} into a servlet of a WAR that is no
     * bean archive, where the library's jar is the only one declaring a CDI extension.
     */
    boolean injectsServletsOutsideABeanArchive();

    /**
     * Not a rule of the library, a fact of each runtime that the README reports: CDI may or may
     * not run for a WAR whose only CDI artefact is the library's extension. Either way the
     * servlet gets an answer and the filter works (the tests above).
     */
    @Test
    default void aServletOutsideABeanArchiveIsInjectedAsTheRuntimeDecides() {
        Response injected = browser().get("/injected");
        assertEquals(200, injected.status(), injected.body());
        assertEquals(injectsServletsOutsideABeanArchive() ? "injected" : "null", injected.body());
    }

    @Test
    default void theCookiePathIsTheContextRootWithoutCdi() {
        Response put = browser().put("/legacy/a", "1");
        assertTrue(put.setCookie().contains("; Path=/" + WarWithoutCdiContract.NAME + ";"), put.setCookie());
    }
}

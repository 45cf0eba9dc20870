package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.FacesCounter;
import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Payara Micro instances on different ports sharing one filesystem session directory (a
 * shared volume, in production; a network store such as Redis works the same way).
 */
class TwoPayaraServersShareOneStoreIT extends SharedFileSystemContract {
    @BeforeAll
    static void start() {
        startOnFiles(PayaraMicro::start, PayaraMicro::start, "shared", Map.of("SESSION_SECRET_KEY", SECRET_KEY));
    }

    /** Both servers' key: each reads the Faces state the other sealed. */
    private static final String SECRET_KEY = "a-long-random-secret-for-the-sealed-faces-state-of-this-test";

    /**
     * An unchanged Faces page (server-side state saving, the Faces default) behind a load balancer
     * without sticky sessions: each postback goes to the other server, which restores the view the
     * other one saved and its {@code @ViewScoped} bean, and no response sets JSESSIONID.
     */
    @Test
    void aFacesViewPostedBackToEachServerInTurnKeepsCounting() {
        FacesCounter view = FacesCounter.open(new Browser(a()));
        for (int i = 1; i <= 6; i++) {
            assertEquals(i, view.on(i % 2 == 1 ? b() : a()).increment(), "postback " + i + " to " + (i % 2 == 1 ? "B" : "A"));
        }
    }

    /**
     * A long-running CDI conversation behind a load balancer without sticky sessions: each
     * request of it goes to the other server, which finds the conversation and its
     * {@code @ConversationScoped} bean where the other left them, by the {@code cid} and the
     * store's cookie alone; no response sets JSESSIONID.
     */
    @Test
    void aConversationAlternatingBetweenTheServersKeepsCounting() {
        Browser browser = new Browser(a());
        Browser.Response begun = browser.post("/beans/conversation");
        assertEquals(200, begun.status(), begun.body());
        String cid = begun.body();
        for (int i = 1; i <= 4; i++) {
            Browser.Response next = browser.on(i % 2 == 1 ? b() : a()).post("/beans/conversation?cid=" + cid);
            assertEquals(200, next.status(), next.body());
            assertEquals(String.valueOf(i), next.body(), "request " + i + " to " + (i % 2 == 1 ? "B" : "A"));
            assertFalse(next.setsContainerSessionCookie(), next.allSetCookies().toString());
        }
    }

    /**
     * The Faces Flash is not the session's: Mojarra keeps its notes in each server's memory,
     * found by its own cookie ({@code csfcfc}), and creates no session for them. So a note put on
     * A is shown when A answers the redirect, and not when B does: nothing here can move it
     * (measured; docs/servlet-and-cdi.md). Should Mojarra ever keep it in the session, this fails
     * and the Flash crosses servers like the rest of the view.
     */
    @Test
    void theFacesFlashStaysWithTheServerThatPutIt() {
        Browser sameServer = new Browser(a());
        Browser.Response set = sameServer.get("/faces/flash-set.xhtml?note=from-a");
        assertEquals(302, set.status(), set.body());
        String next = java.net.URI.create(set.location()).getPath();
        assertTrue(sameServer.get(next).body().contains("<span id=\"note\">from-a</span>"), "the Flash on one server");
        assertTrue(sameServer.cookie().isEmpty(), "the Flash stored no session");
        assertTrue(sameServer.otherCookies().containsKey("csfcfc"), sameServer.otherCookies().toString());

        Browser otherServer = new Browser(a());
        assertEquals(302, otherServer.get("/faces/flash-set.xhtml?note=from-a").status());
        Browser.Response shown = otherServer.on(b()).get(next);
        assertEquals(200, shown.status(), shown.body());
        assertTrue(shown.body().contains("<span id=\"note\"></span>"), shown.body());
        assertFalse(shown.setsContainerSessionCookie(), shown.allSetCookies().toString());
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.LibertyServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Open Liberty and GlassFish serving the same application from one Redis: a session created
 * on one is read and changed on the other, logins included (Jakarta Security on both).
 */
class LibertyAndGlassFishShareOneRedisIT extends SharedRedisContract {
    @BeforeAll
    static void start() {
        startOnRedis(LibertyServer::start, GlassFishServer::start, "liberty-glassfish-redis",
                Map.of("SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test"));
    }

    /**
     * Liberty's Jakarta Security is its own, not Soteria: its login-to-continue keeps the request
     * asked for in a cookie of its own ({@code WASReqURL}), not in any session, so there is
     * nothing for the server session to hold, and a login page or post answered by GlassFish
     * does not know it; nor is the caller of the form's post kept anywhere, so even on Liberty
     * alone the return to {@code /account} asks for the login again (measured on Open Liberty
     * 26.0.0.3). Asserts exactly that, so that it fails the day Liberty changes.
     */
    @Override
    @Test
    void aLoginToContinueStartedOnAIsPostedOnBAndFinishedOnA() {
        Response asked = new Browser(a()).get("/account");
        assertNoContainerSession(asked);
        assertEquals(302, asked.status(), asked.body());
        assertEquals("/account/login", java.net.URI.create(asked.location()).getPath());
        assertFalse(asked.setsCookie(), "no server session: " + asked.allSetCookies());
        assertTrue(asked.allSetCookies().stream().anyMatch(c -> c.startsWith("WASReqURL=") && c.contains("/account")),
                asked.allSetCookies().toString());

        // and the login made through the form does not stick: the post is sent on to /account
        // with no cookie at all (no session, no LtpaToken2), and /account asks for the login again
        Browser liberty = new Browser(a());
        liberty.get("/account");
        Response posted = liberty.postForm("/account/login", "username", "alice", "password", "alice-secret");
        assertEquals(302, posted.status(), posted.body());
        assertEquals("/account", java.net.URI.create(posted.location()).getPath());
        assertTrue(posted.allSetCookies().isEmpty(), posted.allSetCookies().toString());
        Response again = liberty.get("/account");
        assertEquals(302, again.status(), again.body());
        assertEquals("/account/login", java.net.URI.create(again.location()).getPath());
    }

    /** On GlassFish (Soteria, as Payara and WildFly) the login-to-continue lives in the server session. */
    @Override
    @Test
    void aLoginToContinueSurvivesARestartBetweenTheRedirectAndTheLogin() {
        loginToContinueSurvivesARestartOf(b());
    }
}

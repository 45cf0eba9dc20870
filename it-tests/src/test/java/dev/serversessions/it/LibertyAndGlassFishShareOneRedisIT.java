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
     * Liberty's Jakarta Security is its own, not Soteria, and takes every class implementing
     * {@code HttpAuthenticationMechanism} for an application mechanism ({@code @Typed} or not):
     * with the example's login form as a second one, every login failed. Its own
     * login-to-continue kept the request asked for in a cookie of its own ({@code WASReqURL}) and
     * the caller of the form's post nowhere (measured on Open Liberty 26.0.0.3, docs/runtimes.md).
     * So the example's {@code beans.xml} leaves the form out on Liberty: {@code /account} is a
     * plain protected page there, 401 for an anonymous caller, and no state is kept for it.
     */
    @Override
    @Test
    void aLoginToContinueStartedOnAIsPostedOnBAndFinishedOnA() {
        Response asked = new Browser(a()).get("/account");
        assertNoContainerSession(asked);
        assertEquals(401, asked.status(), asked.body());
        assertFalse(asked.setsCookie(), asked.allSetCookies().toString());
    }

    /** A (Liberty) keeps no login-to-continue (above): its restart proves the login only. */
    @Override
    @Test
    void aRestartedNodeStillKnowsTheLoginAndAPendingLoginToContinue() {
        restartedNodeStillKnowsTheLogin(false);
    }

    /** On GlassFish (Soteria, as Payara and WildFly) the login-to-continue lives in the server session, and outlives a restart. */
    @Test
    void aLoginToContinueSurvivesARestartOfGlassFishBetweenTheRedirectAndTheLogin() {
        loginToContinueSurvivesARestartOf(b());
    }
}

package dev.serversessions.it;

import static dev.serversessions.it.ServletFormLoginIT.askFor;
import static dev.serversessions.it.ServletFormLoginIT.assertRedirectedTo;
import static dev.serversessions.it.ServletFormLoginIT.caller;
import static dev.serversessions.it.ServletFormLoginIT.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet FORM login of {@code web.xml} ({@link ServletFormLoginIT}'s application, users in
 * GlassFish's file realm) on GlassFish 7: a login asked for before a restart is posted after it
 * and ends on the page asked for, no {@code JSESSIONID} at any step.
 */
class ServletFormLoginGlassFishIT {
    private static GlassFishServer server;

    @BeforeAll
    static void start() {
        server = GlassFishServer.start("servlet-form", BuiltInBasicMechanismContract.env(), ServletFormLoginIT.war());
        server.createFileUser("alice", "alice-secret", "admin:user");
        server.createFileUser("bob", "bob-secret", "user");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aLoginAskedForBeforeARestartIsPostedAfterItAndEndsOnThePageAskedFor() {
        Browser alice = new Browser(server);
        askFor(alice, "/admin?before=restart");
        server.restart();
        assertRedirectedTo("/admin?before=restart", post(alice, "alice", "alice-secret"));
        Response admin = alice.get("/admin?before=restart");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice before=restart", admin.body());

        Response out = alice.post("/logout");
        SharedStoreContract.assertNoContainerSession(out);
        assertEquals(204, out.status(), out.body());
        assertEquals("anonymous", caller(alice));
    }

    @Test
    void wrongPasswordGetsTheErrorPageAndARoleIsNeeded() {
        Browser bob = new Browser(server);
        askFor(bob, "/admin");
        Response wrong = post(bob, "bob", "wrong");
        assertTrue(wrong.body().contains("Wrong user name or password"), wrong.status() + " " + wrong.body());
        assertEquals("anonymous", caller(bob));
        assertRedirectedTo("/admin", post(bob, "bob", "bob-secret"));
        assertEquals(403, bob.get("/admin").status());
        assertEquals("bob admin=false", caller(bob));
    }
}

package dev.serversessions.it;

import static dev.serversessions.it.ServletFormLoginIT.askFor;
import static dev.serversessions.it.ServletFormLoginIT.assertRedirectedTo;
import static dev.serversessions.it.ServletFormLoginIT.caller;
import static dev.serversessions.it.ServletFormLoginIT.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.LibertyServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet FORM login of {@code web.xml} ({@link ServletFormLoginIT}'s application) on Open
 * Liberty with Jakarta Authentication ({@code appAuthentication-3.0}) and the users in a
 * {@code basicRegistry}, groups bound to the application's roles in {@code application-bnd}.
 */
class ServletFormLoginLibertyIT {
    private static LibertyServer server;

    @BeforeAll
    static void start() {
        server = LibertyServer.start("servlet-form", BuiltInBasicMechanismContract.env(), ServletFormLoginIT.war(),
                List.of("appAuthentication-3.0"), """
                  <basicRegistry id="basic" realm="BasicRealm">
                    <user name="alice" password="alice-secret"/>
                    <user name="bob" password="bob-secret"/>
                    <group name="admin"><member name="alice"/></group>
                    <group name="user"><member name="alice"/><member name="bob"/></group>
                  </basicRegistry>
                """, """
                    <application-bnd>
                      <security-role name="admin"><group name="admin"/></security-role>
                      <security-role name="user"><group name="user"/></security-role>
                    </application-bnd>
                """);
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

package dev.serversessions.it;

import static dev.serversessions.it.ServletFormLoginIT.askFor;
import static dev.serversessions.it.ServletFormLoginIT.assertRedirectedTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.GlassFishServer;
import java.util.List;
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
        ServletFormLoginIT.aLoginAskedForBeforeARestartIsPostedAfterItAndEndsOnThePageAskedFor(server,
                out -> assertEquals(204, out.status(), out.body()));
    }

    /**
     * The same application with its FORM login declared in a {@code web-fragment.xml} of a jar in
     * {@code WEB-INF/lib} (no {@code web.xml}), deployed beside it at {@code /fragment}: the login
     * is the library's too, no {@code JSESSIONID} at any step.
     */
    @Test
    void aFormLoginDeclaredInAWebFragmentLivesInTheServerSessionToo() {
        server.deploy(ServletFormLoginIT.war(true), "fragment");
        try {
            Browser alice = new Browser(server);
            askFor(alice, "/fragment/admin?from=fragment");
            Response posted = alice.postForm("/fragment/j_security_check", "j_username", "alice", "j_password", "alice-secret");
            SharedStoreContract.assertNoContainerSession(posted);
            assertRedirectedTo("/fragment/admin?from=fragment", posted);
            Response admin = alice.get("/fragment/admin?from=fragment");
            SharedStoreContract.assertNoContainerSession(admin);
            assertEquals(200, admin.status(), admin.body());
            assertEquals("admin alice from=fragment", admin.body());
            assertTrue(server.log().contains("Servlet FORM login of /fragment on"), "the log names the application it took");
        } finally {
            server.undeploy("fragment");
        }
    }

    /**
     * Why a servlet BASIC login needs nothing of the library: the same application with
     * {@code <auth-method>BASIC</auth-method>}, deployed at {@code /basic}, is checked by the realm
     * on every request from its header, and the container keeps nothing of it in any session (no
     * {@code JSESSIONID}, no cookie at all); a request without the header is anonymous again.
     */
    @Test
    void aServletBasicLoginKeepsNothingInAnySession() {
        String basic = ServletFormLoginIT.WEB_XML.replaceAll("(?s)<login-config>.*</login-config>",
                "<login-config><auth-method>BASIC</auth-method><realm-name>file</realm-name></login-config>");
        server.deploy(ServletFormLoginIT.war(false, basic), "basic");
        try {
            Browser alice = new Browser(server);
            String credentials = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:alice-secret".getBytes());
            for (int i = 0; i < 3; i++) {
                Response admin = alice.get("/basic/admin?n=" + i, "Authorization", credentials);
                assertEquals(200, admin.status(), admin.body());
                assertEquals("admin alice n=" + i, admin.body());
                assertEquals(List.of(), admin.allSetCookies(), "nothing kept in any session");
            }
            assertEquals(401, alice.get("/basic/admin").status(), "without the header: asked again");
        } finally {
            server.undeploy("basic");
        }
    }

    @Test
    void wrongPasswordGetsTheErrorPageAndARoleIsNeeded() {
        ServletFormLoginIT.wrongPasswordGetsTheErrorPageAndARoleIsNeeded(server);
    }
}

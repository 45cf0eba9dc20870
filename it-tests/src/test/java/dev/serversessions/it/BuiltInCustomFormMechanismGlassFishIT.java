package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.builtin.AdminOnlyServlet;
import dev.serversessions.it.builtin.CallerServlet;
import dev.serversessions.it.builtin.Users;
import dev.serversessions.it.builtincustomform.CustomFormLogin;
import dev.serversessions.it.probe.ProbeServlet;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.PayaraMicro;
import java.net.URI;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Security's built-in custom-form mechanism ({@code @CustomFormAuthenticationMechanismDefinition}:
 * the application's login page calls {@code SecurityContext.authenticate}), unchanged, on
 * GlassFish (Soteria) on the filesystem store: the request asked for is saved in the server
 * session, so the login finishes after a restart of the server between the login page and the
 * form's post, and ends on the page asked for; no step makes a container session.
 */
class BuiltInCustomFormMechanismGlassFishIT {
    private static GlassFishServer server;

    @BeforeAll
    static void start() {
        Path war = PayaraMicro.workDir().resolve("builtin-custom-form-" + System.nanoTime() + ".war");
        ShrinkWrap.create(WebArchive.class, "builtin-custom-form.war")
                .addPackage(CustomFormLogin.class.getPackage())
                .addClasses(Users.class, AdminOnlyServlet.class, CallerServlet.class)
                .addPackage(ProbeServlet.class.getPackage()) // GET /probe/untouched: the launchers wait for it
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        server = GlassFishServer.start("builtin-custom-form", BuiltInBasicMechanismContract.env(), war);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static URI askForAdmin(Browser browser) {
        Response asked = browser.get("/admin");
        SharedStoreContract.assertNoContainerSession(asked);
        assertTrue(asked.status() == 302 || asked.status() == 303, asked.status() + " " + asked.body());
        assertEquals("/custom-login", URI.create(asked.location()).getPath());
        assertTrue(asked.setsCookie(), "the saved request lives in the server session: " + asked.allSetCookies());
        Response page = browser.get("/custom-login");
        SharedStoreContract.assertNoContainerSession(page);
        assertTrue(page.body().contains("name=\"username\""), page.body());
        return URI.create(asked.location());
    }

    @Test
    void aLoginAskedForBeforeARestartIsPostedAfterItAndEndsOnThePageAskedFor() {
        Browser browser = new Browser(server);
        askForAdmin(browser);

        server.restart();

        Response posted = browser.postForm("/custom-login", "username", "alice", "password", "alice-secret");
        SharedStoreContract.assertNoContainerSession(posted);
        assertTrue(posted.status() == 302 || posted.status() == 303, posted.status() + " " + posted.body());
        assertEquals("/admin", URI.create(posted.location()).getPath(), "the restarted server found the saved request");
        Response admin = browser.get("/admin");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice", admin.body());
        assertEquals("alice admin=true", browser.get("/caller").body());
    }

    @Test
    void wrongCredentialsGetTheLoginPageAgainAndNoCaller() {
        Browser browser = new Browser(server);
        askForAdmin(browser);
        Response posted = browser.postForm("/custom-login", "username", "alice", "password", "wrong");
        SharedStoreContract.assertNoContainerSession(posted);
        assertTrue(posted.body().contains("Wrong user name or password"), posted.status() + " " + posted.body());
        assertEquals("anonymous", browser.get("/caller").body());
    }
}

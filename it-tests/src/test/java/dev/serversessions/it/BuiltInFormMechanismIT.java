package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.builtin.AdminOnlyServlet;
import dev.serversessions.it.builtin.CallerServlet;
import dev.serversessions.it.builtin.Users;
import dev.serversessions.it.builtinform.FormLogin;
import dev.serversessions.it.probe.ProbeServlet;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.net.URI;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Security's built-in FORM mechanism ({@code @FormAuthenticationMechanismDefinition}, a
 * bean Soteria builds itself, with its {@code @LoginToContinue}), unchanged, on Payara Micro (A)
 * and WildFly (B) sharing one filesystem store: the request the browser asked for is saved in
 * the server session, so a login started on one runtime is posted to {@code j_security_check} on
 * the other and ends on the page asked for, with the caller in the store. No step makes a
 * container session.
 */
class BuiltInFormMechanismIT extends TwoNodesOnOneStore {
    private static final String LOGIN_PAGE = "<!DOCTYPE html><html><body><form id=\"login\" method=\"post\""
            + " action=\"j_security_check\"><input name=\"j_username\"><input name=\"j_password\" type=\"password\">"
            + "<button>Log in</button></form></body></html>";

    @BeforeAll
    static void start() {
        Path war = PayaraMicro.workDir().resolve("builtin-form-" + System.nanoTime() + ".war");
        ShrinkWrap.create(WebArchive.class, "builtin-form.war")
                .addClasses(FormLogin.class, Users.class, AdminOnlyServlet.class, CallerServlet.class)
                .addPackage(ProbeServlet.class.getPackage()) // GET /probe/untouched: the launchers wait for it
                .addAsWebResource(new StringAsset(LOGIN_PAGE), "login.html")
                .addAsWebResource(new StringAsset("<!DOCTYPE html><p id=\"error\">Wrong user name or password</p>"),
                        "login-error.html")
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        startPair((name, env) -> PayaraMicro.start(name, env, war), (name, env) -> WildFlyServer.start(name, env, war),
                "builtin-form", BuiltInBasicMechanismContract.env(), null);
    }

    /** {@code GET /admin} anonymous on {@code browser}'s server: a redirect to the login page, the request saved in the store. */
    private static URI askForAdmin(Browser browser) {
        Response asked = browser.get("/admin");
        SharedStoreContract.assertNoContainerSession(asked);
        assertTrue(asked.status() == 302 || asked.status() == 303, asked.status() + " " + asked.body());
        assertEquals("/login.html", URI.create(asked.location()).getPath());
        assertTrue(asked.setsCookie(), "the saved request lives in the server session: " + asked.allSetCookies());
        return URI.create(asked.location());
    }

    @Test
    void aLoginAskedForOnOneRuntimeIsPostedOnTheOtherAndEndsOnThePageAskedFor() {
        Browser onA = new Browser(a());
        URI loginPage = askForAdmin(onA);

        Browser onB = onA.on(b());
        Response page = onB.get(loginPage.getPath());
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("j_security_check"), page.body());
        Response posted = onB.postForm("/j_security_check", "j_username", "alice", "j_password", "alice-secret");
        SharedStoreContract.assertNoContainerSession(posted);
        assertTrue(posted.status() == 302 || posted.status() == 303, posted.status() + " " + posted.body());
        assertEquals("/admin", URI.create(posted.location()).getPath(), "B found the request A saved");

        Browser backOnA = onB.on(a());
        Response admin = backOnA.get("/admin");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice", admin.body());
        Response caller = backOnA.on(b()).get("/caller");
        SharedStoreContract.assertNoContainerSession(caller);
        assertEquals("alice admin=true", caller.body(), "the caller is in the store, for B too");
    }

    @Test
    void wrongCredentialsPostedOnTheOtherRuntimeGetTheErrorPageAndNoCaller() {
        Browser onA = new Browser(a());
        askForAdmin(onA);
        Browser onB = onA.on(b());
        Response posted = onB.postForm("/j_security_check", "j_username", "alice", "j_password", "wrong");
        SharedStoreContract.assertNoContainerSession(posted);
        assertTrue(posted.status() < 500, posted.status() + " " + posted.body());
        Response error = posted.status() == 302 || posted.status() == 303 ? onB.get(URI.create(posted.location()).getPath()) : posted;
        assertTrue(error.body().contains("Wrong user name or password"), error.status() + " " + error.body());
        assertEquals("anonymous", onB.on(a()).get("/caller").body());
        Response again = onB.on(a()).get("/admin");
        assertTrue(again.status() == 302 || again.status() == 303, "still asked to log in: " + again.status());
    }
}

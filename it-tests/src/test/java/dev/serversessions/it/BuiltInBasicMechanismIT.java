package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.builtin.BasicLogin;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.it.probe.ProbeServlet;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Security's built-in {@code @BasicAuthenticationMechanismDefinition}, a bean Soteria
 * builds itself, on Payara Micro and WildFly sharing one filesystem store: the library's
 * decorator reaches it on both, so the caller authenticated once with credentials is the caller
 * of later requests without them, on the other runtime too.
 */
class BuiltInBasicMechanismIT {
    private static PayaraMicro payara;
    private static WildFlyServer wildFly;

    @BeforeAll
    static void start() {
        Path war = PayaraMicro.workDir().resolve("builtin-basic.war");
        ShrinkWrap.create(WebArchive.class, "builtin-basic.war")
                .addPackage(BasicLogin.class.getPackage())
                .addPackage(ProbeServlet.class.getPackage()) // GET /probe/untouched: the launchers wait for it
                .addAsLibrary(library())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        Map<String, String> env = Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString(),
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test");
        payara = PayaraMicro.start("builtin-basic-payara", env, war);
        wildFly = WildFlyServer.start("builtin-basic-wildfly", env, war);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {payara, wildFly}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static JavaArchive library() {
        File location;
        try {
            location = new File(dev.serversessions.api.ServerSession.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return location.isFile() ? ShrinkWrap.createFromZipFile(JavaArchive.class, location)
                : ShrinkWrap.create(ExplodedImporter.class, "server-sessions.jar").importDirectory(location).as(JavaArchive.class);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credentialsOnceThenTheSessionCarriesTheCallerToTheOtherRuntime() {
        Browser alice = new Browser(payara);
        Response first = alice.get("/admin", "Authorization", basic("alice", "alice-secret"));
        assertEquals(200, first.status(), first.body());
        SharedStoreContract.assertNoContainerSession(first);
        assertTrue(first.setsCookie(), "the caller went into a new server session");

        Response onWildFly = alice.on(wildFly).get("/caller");
        assertEquals("alice admin=true", onWildFly.body(), "no Authorization header: the caller came from the store");
        SharedStoreContract.assertNoContainerSession(onWildFly);
        assertEquals(200, alice.on(wildFly).get("/admin").status());

        Browser bob = new Browser(wildFly);
        assertEquals(403, bob.get("/admin", "Authorization", basic("bob", "bob-secret")).status());
        assertEquals("bob admin=false", bob.on(payara).get("/caller").body());
        assertEquals(403, bob.on(payara).get("/admin").status());

        assertEquals(401, new Browser(payara).get("/admin").status());
        assertEquals(401, new Browser(wildFly).get("/admin").status());
    }

    @Test
    void logoutOnOneRuntimeEndsTheBuiltInLoginOnTheOther() {
        Browser alice = new Browser(wildFly);
        assertEquals(200, alice.get("/admin", "Authorization", basic("alice", "alice-secret")).status());
        Browser otherTab = alice.on(payara);
        assertEquals(204, alice.post("/caller").status());
        assertEquals("anonymous", otherTab.get("/caller").body());
        assertEquals(401, otherTab.get("/admin").status());
    }
}

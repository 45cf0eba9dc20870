package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.builtin.BasicLogin;
import dev.serversessions.it.probe.ProbeServlet;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
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
import org.junit.jupiter.api.Test;

/**
 * Jakarta Security's built-in {@code @BasicAuthenticationMechanismDefinition}, a bean Soteria
 * builds itself, on two runtimes sharing one filesystem store: the library's
 * decorator reaches it on both, so the caller authenticated once with credentials is the caller
 * of later requests without them, on the other runtime too.
 */
abstract class BuiltInBasicMechanismContract extends TwoNodesOnOneStore {

    /** The WAR with only the built-in mechanism, an identity store and a constraint. */
    static Path war() {
        Path war = dev.serversessions.it.support.PayaraMicro.workDir().resolve("builtin-basic-" + System.nanoTime() + ".war");
        ShrinkWrap.create(WebArchive.class, "builtin-basic.war")
                .addPackage(BasicLogin.class.getPackage())
                .addPackage(ProbeServlet.class.getPackage()) // GET /probe/untouched: the launchers wait for it
                .addAsLibrary(library())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    /** One filesystem store, and a secret key for the stored callers. */
    static Map<String, String> env() {
        return Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString(),
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test");
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

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credentialsOnceThenTheSessionCarriesTheCallerToTheOtherRuntime() {
        Browser alice = new Browser(a());
        Response first = alice.get("/admin", "Authorization", basic("alice", "alice-secret"));
        assertEquals(200, first.status(), first.body());
        SharedStoreContract.assertNoContainerSession(first);
        assertTrue(first.setsCookie(), "the caller went into a new server session");

        Response onB = alice.on(b()).get("/caller");
        assertEquals("alice admin=true", onB.body(), "no Authorization header: the caller came from the store");
        SharedStoreContract.assertNoContainerSession(onB);
        assertEquals(200, alice.on(b()).get("/admin").status());

        Browser bob = new Browser(b());
        assertEquals(403, bob.get("/admin", "Authorization", basic("bob", "bob-secret")).status());
        assertEquals("bob admin=false", bob.on(a()).get("/caller").body());
        assertEquals(403, bob.on(a()).get("/admin").status());

        assertEquals(401, new Browser(a()).get("/admin").status());
        assertEquals(401, new Browser(b()).get("/admin").status());
    }

    @Test
    void logoutOnOneRuntimeEndsTheBuiltInLoginOnTheOther() {
        Browser alice = new Browser(b());
        assertEquals(200, alice.get("/admin", "Authorization", basic("alice", "alice-secret")).status());
        Browser otherTab = alice.on(a());
        assertEquals(204, alice.post("/caller").status());
        assertEquals("anonymous", otherTab.get("/caller").body());
        assertEquals(401, otherTab.get("/admin").status());
    }
}

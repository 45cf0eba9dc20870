package dev.serversessions.it;

import static dev.serversessions.it.ServletFormLoginIT.askFor;
import static dev.serversessions.it.ServletFormLoginIT.assertRedirectedTo;
import static dev.serversessions.it.ServletFormLoginIT.caller;
import static dev.serversessions.it.ServletFormLoginIT.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet FORM login of {@code web.xml} ({@link ServletFormLoginIT}'s application) on
 * Payara Micro (A, file realm) and WildFly (B, Elytron's {@code ApplicationRealm}: the same users
 * in {@code application-users.properties}) sharing one filesystem store.
 */
class ServletFormLoginPayaraAndWildFlyIT extends TwoNodesOnOneStore {

    @BeforeAll
    static void start() throws IOException {
        Path war = ServletFormLoginIT.war();
        Path postboot = ServletFormLoginIT.payaraUsers();
        startPair((name, env) -> PayaraMicro.start(name, env, war, postboot),
                (name, env) -> WildFlyServer.start(name, env, war, ServletFormLoginPayaraAndWildFlyIT::applicationUsers),
                "servlet-form-pw", BuiltInBasicMechanismContract.env(), null);
    }

    /** alice (admin, user) and bob (user) in WildFly's ApplicationRealm, as {@code add-user.sh -a} writes them. */
    private static void applicationUsers(Path configuration) {
        try {
            Files.writeString(configuration.resolve("application-users.properties"),
                    "alice=" + digest("alice", "alice-secret") + "\nbob=" + digest("bob", "bob-secret") + "\n");
            Files.writeString(configuration.resolve("application-roles.properties"), "alice=admin,user\nbob=user\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(String user, String password) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest((user + ":ApplicationRealm:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLoginAskedForOnPayaraIsPostedOnWildFlyAndEndsOnThePageAskedFor() {
        Browser onA = new Browser(a());
        askFor(onA, "/admin?from=payara");
        Browser onB = onA.on(b());
        assertRedirectedTo("/admin?from=payara", post(onB, "alice", "alice-secret"));
        Response admin = onB.get("/admin?from=payara");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice from=payara", admin.body());
        assertEquals("alice admin=true", caller(onB.on(a())), "the caller WildFly stored, on Payara");
    }

    @Test
    void aLoginAskedForOnWildFlyBeforeItsRestartIsPostedOnPayara() {
        Browser onB = new Browser(b());
        askFor(onB, "/admin?from=wildfly");
        b().restart();
        Browser onA = onB.on(a());
        assertRedirectedTo("/admin?from=wildfly", post(onA, "alice", "alice-secret"));
        assertEquals("alice admin=true", caller(onA.on(b())), "the caller Payara stored, on the restarted WildFly");
        Response wrong = post(new Browser(b()), "bob", "wrong");
        assertTrue(wrong.status() == 400, "no saved request: " + wrong.status() + " " + wrong.body());
    }

    @Test
    void wrongPasswordOnWildFlyGetsTheErrorPage() {
        ServletFormLoginIT.wrongPasswordGetsTheErrorPageAndARoleIsNeeded(b());
    }
}

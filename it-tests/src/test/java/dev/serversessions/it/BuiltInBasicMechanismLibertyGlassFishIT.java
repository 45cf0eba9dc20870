package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.LibertyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in BASIC mechanism on GlassFish, whose Jakarta Security is Soteria as on Payara and
 * WildFly: {@link BuiltInBasicMechanismContract} with one GlassFish as both nodes (a caller
 * that comes back without credentials can only have come from the store). And on Open Liberty,
 * whose Jakarta Security is its own: there the library's decorator never reaches the built-in
 * mechanism, whose caller lives in Liberty's own single sign-on cookie ({@code LtpaToken2}),
 * not in the server session, as docs/runtimes.md says; this test fails the day that changes.
 */
class BuiltInBasicMechanismLibertyGlassFishIT extends BuiltInBasicMechanismContract {
    private static LibertyServer liberty;
    private static GlassFishServer glassFish;

    @BeforeAll
    static void start() {
        Path war = war();
        Map<String, String> env = env();
        liberty = LibertyServer.start("builtin-basic-liberty", env, war);
        glassFish = GlassFishServer.start("builtin-basic-glassfish", env, war);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {liberty, glassFish}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected AppServer a() {
        return glassFish;
    }

    @Override
    protected AppServer b() {
        return glassFish;
    }

    @Test
    void onLibertyTheBuiltInMechanismKeepsTheCallerInLibertysOwnTokenNotInTheServerSession() {
        Browser alice = new Browser(liberty);
        String credentials = "Basic " + Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));
        Response first = alice.get("/admin", "Authorization", credentials);
        assertEquals(200, first.status(), first.body());
        assertFalse(first.setsCookie(), "Liberty's built-in mechanism put the caller into a server session: "
                + first.setCookies() + "; update docs/runtimes.md and run BuiltInBasicMechanismContract on Liberty");
        assertTrue(first.allSetCookies().stream().anyMatch(c -> c.startsWith("LtpaToken2=")),
                "Liberty remembers the caller in its single sign-on cookie: " + first.allSetCookies());
        assertEquals(200, alice.get("/admin").status(), "the LtpaToken2 cookie alone is the caller on Liberty");

        Browser sameCookiesOnGlassFish = alice.on(glassFish);
        assertEquals("anonymous", sameCookiesOnGlassFish.get("/caller").body(), "but nothing of it is in the store");
        assertEquals(401, new Browser(liberty).get("/admin").status());
    }
}

package dev.serversessions.it;

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
        ServletFormLoginIT.aLoginAskedForBeforeARestartIsPostedAfterItAndEndsOnThePageAskedFor(server, out -> { });
    }

    @Test
    void wrongPasswordGetsTheErrorPageAndARoleIsNeeded() {
        ServletFormLoginIT.wrongPasswordGetsTheErrorPageAndARoleIsNeeded(server);
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * SPEC §4 on the SQL backend, on MariaDB ({@code SESSION_TYPE=jpa}, the alias). The server is
 * started while the database is unreachable: the deployment must not fail because of it.
 */
class MariaDbSessionIT extends SqlSessionContract implements StoreLockContract {
    @BeforeAll
    static void startWhileTheDatabaseIsDown() throws Exception {
        TestDatabase mariaDb = TestDatabase.mariaDb();
        mariaDb.proxy().cut();
        AppServer server;
        try {
            server = start(PayaraMicro::start, "mariadb", mariaDb, "jpa"); // returns once the WAR answers: deployed
            assertEquals(503, new Browser(server).put("/api/session/a", "1").status(), "the session needs the database");
        } finally {
            mariaDb.proxy().restore();
        }
        assertEquals(204, new Browser(server).put("/api/session/a", "1").status(), "recovered without a restart");
    }
}

package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.SqlServer;
import dev.serversessions.it.support.WildFlyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}), in WildFly: its
 * JPA provider is Hibernate, so EclipseLink travels in the WAR.
 */
class PostgresSessionWildFlyIT extends SqlSessionContract {
    @BeforeAll
    static void start() throws Exception {
        start(WildFlyServer::start, "postgres", SqlServer.postgres(), "sqlalchemy");
    }

    /**
     * On WildFly the library's jar is no directory, so EclipseLink's unit gets an empty temporary
     * one: one per deployment however often a database that is down makes the backend build its
     * factory again, and none left after undeploy.
     */
    @Test
    void theUnitsTemporaryDirectoryIsMadeOnceAndRemovedAtUndeploy() throws Exception {
        WildFlyServer wildFly = (WildFlyServer) server;
        wildFly.close();
        outage().begin(); // deployed while the database is down: no factory ever gets ready
        try {
            wildFly.restart();
            Browser browser = browser();
            for (int i = 0; i < 5; i++) {
                assertEquals(503, browser.put("/api/session/a", "1").status());
            }
            assertTrue(unitDirectories(wildFly).size() <= 1, "per failing request: " + unitDirectories(wildFly));
        } finally {
            outage().end();
        }
        Browser browser = browser();
        assertEquals(204, browser.put("/api/session/a", "1").status());
        assertEquals(1, unitDirectories(wildFly).size(), unitDirectories(wildFly).toString());

        wildFly.close(); // a graceful stop undeploys the WAR
        assertEquals(List.of(), unitDirectories(wildFly), "left after undeploy");
        wildFly.restart();
        assertEquals("1", attribute(browser, "a"));
    }

    private static List<Path> unitDirectories(WildFlyServer wildFly) throws IOException {
        try (Stream<Path> files = Files.list(wildFly.tempDir())) {
            return files.filter(p -> p.getFileName().toString().startsWith("server-sessions-unit")).toList();
        }
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import dev.serversessions.it.support.SqlServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}), in Open Liberty:
 * its own EclipseLink (persistence-3.1) is not visible to applications, so the WAR's serves.
 */
class PostgresSessionLibertyIT extends SqlSessionContract {
    @BeforeAll
    static void start() throws Exception {
        start(LibertyServer::start, "postgres", SqlServer.postgres(), "sqlalchemy");
    }
}

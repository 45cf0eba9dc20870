package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}) in Open Liberty: Liberty's own EclipseLink (persistence-3.1, 4.0.9) serves, not the WAR's copy. */
class PostgresSessionLibertyIT extends SqlInRuntimeContract {
    @BeforeAll
    static void start() throws Exception {
        start(LibertyServer::start);
    }
}

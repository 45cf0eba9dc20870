package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}), in GlassFish:
 * its web class loader asks its parent first, so GlassFish's own EclipseLink serves.
 */
class PostgresSessionGlassFishIT extends SqlSessionContract {
    @BeforeAll
    static void start() throws Exception {
        start(GlassFishServer::start, "postgres", TestDatabase.postgres(), "sqlalchemy");
    }
}

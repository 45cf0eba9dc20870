package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}) in GlassFish: its web class loader asks its parent first, so GlassFish's own EclipseLink serves. */
class PostgresSessionGlassFishIT extends SqlInRuntimeContract {
    @BeforeAll
    static void start() throws Exception {
        start(GlassFishServer::start);
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.SqlServer;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}). */
class PostgresSessionIT extends SqlSessionContract {
    @BeforeAll
    static void start() throws Exception {
        start("postgres", SqlServer.postgres(), "sqlalchemy");
    }
}

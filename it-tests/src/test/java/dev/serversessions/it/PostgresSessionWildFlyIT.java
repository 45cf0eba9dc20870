package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}), in WildFly: its
 * JPA provider is Hibernate, so EclipseLink travels in the WAR.
 */
class PostgresSessionWildFlyIT extends SqlSessionContract implements SessionLockingContract {
    @BeforeAll
    static void start() throws Exception {
        start(WildFlyServer::start, "postgres", TestDatabase.postgres(), "sqlalchemy");
    }
}

package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}) in WildFly: its JPA provider is Hibernate, so EclipseLink travels in the WAR. */
class PostgresSessionWildFlyIT extends SqlInRuntimeContract {
    @BeforeAll
    static void start() throws Exception {
        start(WildFlyServer::start);
    }
}

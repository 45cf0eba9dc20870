package dev.serversessions.internal.backend.jpa;

import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on PostgreSQL, in a database of its own. */
class PostgresJpaSessionBackendTest extends JpaSessionBackendTest {
    @BeforeAll
    static void createDatabase() {
        useDatabase(TestDatabase.postgres());
    }
}

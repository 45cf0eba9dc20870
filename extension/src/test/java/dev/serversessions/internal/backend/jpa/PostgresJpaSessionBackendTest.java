package dev.serversessions.internal.backend.jpa;

import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on PostgreSQL, in a database of its own. */
class PostgresJpaSessionBackendTest extends JpaSessionBackendTest {
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.postgres();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected TestDatabase database() {
        return database;
    }
}

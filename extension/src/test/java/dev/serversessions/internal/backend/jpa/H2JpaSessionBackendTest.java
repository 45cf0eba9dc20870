package dev.serversessions.internal.backend.jpa;

import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on H2, in a database of its own. */
class H2JpaSessionBackendTest extends JpaSessionBackendTest {
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.h2();
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

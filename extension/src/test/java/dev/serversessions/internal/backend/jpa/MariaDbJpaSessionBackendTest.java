package dev.serversessions.internal.backend.jpa;

import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on MariaDB, in a database of its own. */
class MariaDbJpaSessionBackendTest extends JpaSessionBackendTest {
    @BeforeAll
    static void createDatabase() {
        useDatabase(TestDatabase.mariaDb());
    }
}

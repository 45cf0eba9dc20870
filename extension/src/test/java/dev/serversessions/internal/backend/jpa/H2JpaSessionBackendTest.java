package dev.serversessions.internal.backend.jpa;

import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The SQL backend on H2, in a database of its own. */
class H2JpaSessionBackendTest extends JpaSessionBackendTest {
    @BeforeAll
    static void createDatabase() {
        useDatabase(TestDatabase.h2());
    }
}

package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL backend on PostgreSQL, in a database of its own. */
class PostgresJpaSessionBackendTest extends JpaSessionBackendTest {
    @BeforeAll
    static void createDatabase() {
        useDatabase(TestDatabase.postgres());
    }

    /**
     * The lock's two statements, as the backend sent them (recorded by {@link CountingDriver}),
     * run again each in a transaction of this test's own: inside it {@code synchronous_commit}
     * is off, so its commit does not wait for the WAL flush, and after it the connection is back
     * to the server's setting, so a pooled connection's next transaction (a session's save)
     * still waits for its flush.
     */
    @Test
    void onPostgresTheLeaseStatementsCommitWithoutWaitingForTheWalFlush() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, CountingDriver.counting(database().url()),
                JpaSettings.TABLE, "async_sessions", SessionSettings.KEY_PREFIX, "session:"));
        assertTrue(backend.tryLock(IDS.generate(), "warm-up", Duration.ofSeconds(30))); // creates the tables
        CountingDriver.takeExecuted();
        String id = IDS.generate();
        assertTrue(backend.tryLock(id, "holder", Duration.ofSeconds(30)));
        List<String> lock = CountingDriver.takeExecuted();
        assertTrue(backend.unlock(id, "holder"));
        List<String> unlock = CountingDriver.takeExecuted();
        assertEquals(1, lock.size(), "one statement, no COMMIT: " + lock);
        assertEquals(1, unlock.size(), "one statement, no COMMIT: " + unlock);

        try (Connection connection = database().connect()) {
            String serverSetting = synchronousCommit(connection);
            assertNotEquals("off", serverSetting, "the test database commits synchronously by default");
            connection.setAutoCommit(false);
            try (PreparedStatement take = connection.prepareStatement(lock.get(0))) {
                take.setString(1, "session:" + id);
                take.setString(2, "probe");
                take.setLong(3, 30_000);
                take.setString(4, "probe");
                assertTrue(returnsARow(take), "the lock is free again");
            }
            assertEquals("off", synchronousCommit(connection), "inside the lock's transaction");
            connection.commit();
            assertEquals(serverSetting, synchronousCommit(connection), "after it, whatever the next statement on the connection");
            try (PreparedStatement release = connection.prepareStatement(unlock.get(0))) {
                release.setString(1, "session:" + id);
                release.setString(2, "probe");
                assertTrue(returnsARow(release), "released by its token");
            }
            assertEquals("off", synchronousCommit(connection), "inside the unlock's transaction");
            connection.commit();
            assertEquals(serverSetting, synchronousCommit(connection));
        }
    }

    private static boolean returnsARow(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next();
        }
    }

    private static String synchronousCommit(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW synchronous_commit")) {
            rows.next();
            return rows.getString(1);
        }
    }
}

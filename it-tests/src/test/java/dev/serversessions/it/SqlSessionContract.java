package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on the SQL backend against a real database server, plus what only SQL can show. The
 * application reaches the database through a proxy in the test JVM; the outage cuts the proxy,
 * never the shared server. Subclasses pick the database and the runtime.
 */
abstract class SqlSessionContract extends SessionSemanticsContract {
    protected static final String TABLE = "web_sessions";
    protected static final String SEQUENCE = "web_session_keys";
    protected static final int TIMEOUT_SECONDS = 3;
    protected static TestDatabase database;
    protected static String schema;

    /** Starts the runtime on a new database with custom table, schema and sequence names. */
    protected static AppServer start(AppServer.Launcher runtime, String name, TestDatabase newDatabase, String type) throws Exception {
        database = newDatabase;
        schema = newSchema(database);
        return startServer(runtime, name, SessionScopedBeansContract.withSecretKey(env(database, schema, type)), database);
    }

    /** A new schema in {@code database} for the application's tables. */
    static String newSchema(TestDatabase database) throws Exception {
        String schema = database.schemaName("app");
        database.createSchema(schema);
        return schema;
    }

    /** The settings of a runtime on {@code database}: custom table, schema and sequence names. */
    static Map<String, String> env(TestDatabase database, String schema, String type) {
        Map<String, String> env = new HashMap<>();
        env.put("SESSION_TYPE", type);
        env.put("SESSION_SQLALCHEMY", database.applicationUrl());
        env.put("SESSION_SQLALCHEMY_TABLE", TABLE);
        env.put("SESSION_SQLALCHEMY_SCHEMA", schema);
        env.put("SESSION_SQLALCHEMY_SEQUENCE", SEQUENCE);
        env.put("SESSION_CLEANUP_N_REQUESTS", "1");
        env.put("SESSION_SQLALCHEMY_TIMEOUT", String.valueOf(TIMEOUT_SECONDS));
        return env;
    }

    /** SESSION_SQLALCHEMY_TIMEOUT. */
    @Override
    protected long storeTimeoutMillis() {
        return TIMEOUT_SECONDS * 1000L;
    }

    @Override
    protected StoreOutage outage() {
        return StoreOutage.of(() -> database.proxy().cut(), () -> database.proxy().restore());
    }

    @Test
    void theTablesAndTheSequenceAreCreatedInTheConfiguredSchema() throws Exception {
        browser().put("/api/session/a", "1");

        assertEquals(Set.of(TABLE, TABLE + "_attributes", TABLE + "_owners", TABLE + "_locks"), database.tables(schema));
        assertEquals(Set.of(SEQUENCE), database.sequences(schema));
        assertTrue(database.tables(database.defaultSchema()).isEmpty(), "nothing in the default schema");
    }

    /**
     * The expired row and its attributes go. The test application has session listeners, so the
     * purge after a request ({@code SESSION_CLEANUP_N_REQUESTS=1}) leaves expired rows to the
     * sweep, which claims each and announces it ({@link #anExpiredSessionIsAnnouncedToTheListenersOnce});
     * either way the row must not stay, nor any attribute row without its session.
     */
    @Test
    void expiredSessionsAreRemovedWithTheirAttributes() throws Exception {
        Browser shortLived = browser();
        assertEquals(200, shortLived.get("/probe/short-lived?name=s&value=1&seconds=1").status());
        String key = PrivateIds.key("session:", shortLived.cookie().orElseThrow());
        String rows = "SELECT COUNT(*) FROM " + schema + "." + TABLE + " WHERE session_id = ?";
        assertEquals(1, database.count(rows, key));
        Thread.sleep(2000);

        browser().put("/api/session/other", "x"); // SESSION_CLEANUP_N_REQUESTS=1: purges after this request, but for expired sessions

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (database.count(rows, key) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, database.count(rows, key), "the expired row is deleted");
        assertEquals(0, database.count("SELECT COUNT(*) FROM " + schema + "." + TABLE + "_attributes a WHERE NOT EXISTS"
                + " (SELECT 1 FROM " + schema + "." + TABLE + " s WHERE s.id = a.session_ref)"), "no orphaned attribute");
    }

    /**
     * The database's own count: triggers log every row the session tables gain, change or lose
     * into a table of their own (an INSERT each, so the count never serializes the writers).
     */
    @Test
    void readOnlyRequestsBetweenSlidesSendTheDatabaseNoWrite() throws Exception {
        assertEquals(204, browser().put("/api/session/a", "1").status()); // the tables exist from here on
        boolean mariaDb = database.url().startsWith("jdbc:mariadb");
        String log = schema + ".session_writes";
        List<String> tables = List.of(TABLE, TABLE + "_attributes");
        List<String> install = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        install.add("CREATE TABLE " + log + " (op VARCHAR(10) NOT NULL)");
        if (mariaDb) {
            for (String table : tables) {
                for (String op : List.of("INSERT", "UPDATE", "DELETE")) {
                    String trigger = schema + "." + table + "_" + op.toLowerCase() + "_logged";
                    install.add("CREATE TRIGGER " + trigger + " AFTER " + op + " ON " + schema + "." + table
                            + " FOR EACH ROW INSERT INTO " + log + " VALUES ('" + op + "')");
                    remove.add("DROP TRIGGER " + trigger);
                }
            }
        } else {
            install.add("CREATE FUNCTION " + schema + ".log_session_write() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN INSERT INTO " + log + " VALUES (TG_OP); RETURN NULL; END $$");
            for (String table : tables) {
                install.add("CREATE TRIGGER " + table + "_logged AFTER INSERT OR UPDATE OR DELETE ON " + schema + "." + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + schema + ".log_session_write()");
                remove.add("DROP TRIGGER " + table + "_logged ON " + schema + "." + table);
            }
            remove.add("DROP FUNCTION " + schema + ".log_session_write()");
        }
        remove.add("DROP TABLE " + log);
        execute(install);
        try {
            assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(id -> database.count("SELECT COUNT(*) FROM " + log));
        } finally {
            execute(remove);
        }
    }

    private static void execute(List<String> statements) throws java.sql.SQLException {
        try (java.sql.Connection sql = java.sql.DriverManager.getConnection(database.url());
                java.sql.Statement statement = sql.createStatement()) {
            for (String each : statements) {
                statement.execute(each);
            }
        }
    }

    /**
     * A row the library never writes, in tables a DBA loosened (docs/jpa.md lets them be made by
     * hand): a session row without a creation time.
     */
    @Test
    void aRowWithANullCreationTimeIsNoSessionAndLeftAlone() throws Exception {
        assertEquals(204, browser().put("/api/session/a", "1").status()); // the tables exist from here on
        String id = unusedId();
        String table = schema + "." + TABLE;
        try (java.sql.Connection sql = java.sql.DriverManager.getConnection(database.url());
                java.sql.Statement statement = sql.createStatement()) {
            statement.execute(database.url().startsWith("jdbc:mariadb")
                    ? "ALTER TABLE " + table + " MODIFY created_millis BIGINT NULL"
                    : "ALTER TABLE " + table + " ALTER COLUMN created_millis DROP NOT NULL");
            statement.execute("INSERT INTO " + table + " (id, session_id, created_millis, expires_millis) VALUES (-7, '"
                    + PrivateIds.key("session:", id) + "', NULL, " + (System.currentTimeMillis() + 600_000) + ")");
        }
        assertForeignEntryIsNoSession(id);
        try (java.sql.Connection sql = java.sql.DriverManager.getConnection(database.url());
                java.sql.Statement statement = sql.createStatement();
                java.sql.ResultSet row = statement.executeQuery("SELECT created_millis FROM " + table + " WHERE id = -7")) {
            assertTrue(row.next(), "left alone");
            row.getLong(1);
            assertTrue(row.wasNull(), "left alone");
        }
    }
}

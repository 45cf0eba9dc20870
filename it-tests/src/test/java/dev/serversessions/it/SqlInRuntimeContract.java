package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.TestDatabase;

/**
 * The SQL backend on PostgreSQL in a runtime other than Payara Micro (where
 * {@link PostgresSessionIT} runs the whole SQL contract): the JPA provider differs per runtime.
 */
abstract class SqlInRuntimeContract extends StoreInRuntimeContract {
    private static TestDatabase database;
    private static String schema;

    protected static void start(AppServer.Launcher runtime) throws Exception {
        database = TestDatabase.postgres();
        schema = SqlSessionContract.newSchema(database);
        startServer(runtime, "postgres", SqlSessionContract.env(database, schema, "sqlalchemy"), database);
    }

    @Override
    protected boolean storeHolds(String sessionId) throws Exception {
        return database.count("SELECT COUNT(*) FROM " + schema + "." + SqlSessionContract.TABLE + " WHERE session_id = ?",
                PrivateIds.key("session:", sessionId)) == 1;
    }
}

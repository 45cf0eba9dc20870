package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on two Payara Micro instances sharing one PostgreSQL database. */
class UserSessionsTwoPayaraPostgresIT extends UserSessionsContract {
    @BeforeAll
    static void start() throws Exception {
        TestDatabase database = TestDatabase.postgres();
        String schema = database.schemaName("owners");
        database.createSchema(schema);
        startWithLimit(PayaraMicro::start, PayaraMicro::start, "owners-postgres", Map.of("SESSION_TYPE", "sqlalchemy",
                "SESSION_SQLALCHEMY", database.applicationUrl(), "SESSION_SQLALCHEMY_SCHEMA", schema,
                "SESSION_SQLALCHEMY_TIMEOUT", "3"), database);
    }
}

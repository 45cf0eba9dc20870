package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on the SQL backend, on PostgreSQL ({@code SESSION_TYPE=sqlalchemy}), in Payara Micro. */
class PostgresSessionIT extends SqlSessionContract implements StoreLockContract, SessionScopedBeansContract {
    @BeforeAll
    static void start() throws Exception {
        start(PayaraMicro::start, "postgres", TestDatabase.postgres(), "sqlalchemy");
    }

    @Override
    public AppServer beanServer() {
        return server();
    }
}

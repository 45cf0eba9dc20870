package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The drivers' timeouts we set, as the drivers themselves read them. */
class JdbcUrlsTest {

    @Test
    void postgresqlGetsConnectLoginAndReadTimeoutsUnlessTheUrlSetsThem() {
        Properties ours = org.postgresql.Driver.parseURL("jdbc:postgresql://db/app",
                JdbcUrls.driverTimeouts("jdbc:postgresql://db/app", 3));
        assertEquals("3", ours.getProperty("connectTimeout"));
        assertEquals("3", ours.getProperty("loginTimeout"));
        assertEquals("3", ours.getProperty("socketTimeout"));

        String url = "jdbc:postgresql://db/app?socketTimeout=60";
        assertEquals("60", org.postgresql.Driver.parseURL(url, JdbcUrls.driverTimeouts(url, 3)).getProperty("socketTimeout"));
    }

    @Test
    void mariadbGetsConnectAndReadTimeoutsUnlessTheUrlSetsThem() throws Exception {
        org.mariadb.jdbc.Configuration ours = org.mariadb.jdbc.Configuration.parse("jdbc:mariadb://db/app",
                JdbcUrls.driverTimeouts("jdbc:mariadb://db/app", 3));
        assertEquals(3000, ours.connectTimeout());
        assertEquals(3000, ours.socketTimeout());

        String url = "jdbc:mariadb://db/app?socketTimeout=60000";
        assertEquals(60000, org.mariadb.jdbc.Configuration.parse(url, JdbcUrls.driverTimeouts(url, 3)).socketTimeout());
    }
}

package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.backend.jpa.JpaSettings.JdbcUrl;
import dev.serversessions.internal.backend.jpa.JpaSettings.JndiName;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SettingsSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JpaSettingsTest {

    private static List<String> problems(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        new JpaBackendProvider().validate(values);
        return values.problems();
    }

    private static JpaSettings read(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        JpaSettings settings = JpaSettings.read(values);
        assertEquals(List.of(), values.problems());
        return settings;
    }

    @Test
    void defaultsAreTheSeedsAndAJdbcUrlIsEnough() {
        JpaSettings settings = read(Map.of(JpaSettings.URL, "jdbc:postgresql://db:5432/app"));
        assertEquals(Optional.of(new JdbcUrl("jdbc:postgresql://db:5432/app")), settings.target());
        assertEquals("sessions", settings.table());
        assertEquals("sessions_attributes", settings.attributeTable());
        assertEquals(Optional.empty(), settings.sequence());
        assertEquals(Optional.empty(), settings.schema());
        assertEquals(8, settings.poolSize());
        assertEquals(10, settings.timeoutSeconds());
        assertEquals(List.of(), problems(Map.of(JpaSettings.URL, "jdbc:postgresql://db:5432/app")));
    }

    @Test
    void jndiNamesOfDataSourcesAreAccepted() {
        assertEquals(Optional.of(new JndiName("java:app/jdbc/sessions")),
                read(Map.of(JpaSettings.URL, "java:app/jdbc/sessions")).target());
        assertEquals(Optional.of(new JndiName("jdbc/__default")), read(Map.of(JpaSettings.URL, "jdbc/__default")).target());
        assertEquals(List.of(), problems(Map.of(JpaSettings.URL, "java:comp/DefaultDataSource")));
    }

    @Test
    void withoutADatabaseTheDeploymentFailsSayingWhatToSet() {
        List<String> problems = problems(Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SESSION_SQLALCHEMY is required"), problems.get(0));
        assertTrue(problems.get(0).contains("@Backend(SQLALCHEMY) EntityManagerFactory"), problems.get(0));
    }

    @Test
    void aBindKeyThatNamesNoBeanFailsTheDeployment() {
        List<String> problems = problems(Map.of(JpaSettings.BIND_KEY, "orders"));
        assertEquals(List.of("SESSION_SQLALCHEMY_BIND_KEY=orders names no bean: produce an EntityManagerFactory or a DataSource"
                + " with @Named(\"orders\")"), problems);
    }

    @Test
    void aUrlWithoutItsDriverFailsTheDeploymentWithoutShowingThePassword() {
        List<String> problems = problems(Map.of(JpaSettings.URL, "jdbc:oracle:thin:scott/tiger@//db:1521/app"));
        assertEquals(List.of("SESSION_SQLALCHEMY=jdbc:oracle:thin:scott/***@//db:1521/app has no JDBC driver on the class path:"
                + " add the database's driver jar to the WAR"), problems);
    }

    @Test
    void everyBadKeyIsReportedWithItsValueAndWhatIsAllowed() {
        List<String> problems = problems(Map.of(
                JpaSettings.URL, "postgres://user:secret@db/app",
                JpaSettings.TABLE, "sessions; DROP TABLE users",
                JpaSettings.SCHEMA, "1st",
                JpaSettings.SEQUENCE, "order",
                JpaSettings.POOL_SIZE, "0",
                JpaSettings.TIMEOUT, "soon"));
        assertEquals(List.of(
                "SESSION_SQLALCHEMY=postgres://user:***@db/app is neither a JDBC URL (e.g. jdbc:postgresql://127.0.0.1:5432/app)"
                        + " nor the JNDI name of a DataSource (e.g. java:app/jdbc/sessions)",
                "SESSION_SQLALCHEMY_TABLE=sessions; DROP TABLE users is not a plain SQL name: letters, digits and _,"
                        + " not starting with a digit, at most 48 characters",
                "SESSION_SQLALCHEMY_SEQUENCE=order is a reserved SQL word; choose another name (e.g. app_order)",
                "SESSION_SQLALCHEMY_SCHEMA=1st is not a plain SQL name: letters, digits and _, not starting with a digit,"
                        + " at most 63 characters",
                "SESSION_SQLALCHEMY_POOL_SIZE=0 must be a whole number of at least 1",
                "SESSION_SQLALCHEMY_TIMEOUT=soon is not a whole number (1 or more)"), problems);
    }

    @Test
    void aTableNameLeavesRoomForTheAttributeTable() {
        String longest = "t".repeat(JpaSettings.MAX_TABLE_LENGTH);
        assertEquals(List.of(), problems(Map.of(JpaSettings.URL, "jdbc:postgresql://db/app", JpaSettings.TABLE, longest)));
        assertFalse(problems(Map.of(JpaSettings.URL, "jdbc:postgresql://db/app", JpaSettings.TABLE, longest + "t")).isEmpty());
    }

    @Test
    void credentialsKeysNeedAJdbcUrlAndABindKeyExcludesIt() {
        assertEquals(List.of("SESSION_SQLALCHEMY_PASSWORD applies only when SESSION_SQLALCHEMY is a JDBC URL;"
                + " a DataSource brings its own credentials"),
                problems(Map.of(JpaSettings.URL, "java:app/jdbc/sessions", JpaSettings.PASSWORD, "secret")));
        assertTrue(problems(Map.of(JpaSettings.URL, "jdbc:postgresql://db/app", JpaSettings.BIND_KEY, "orders"))
                .contains("SESSION_SQLALCHEMY_BIND_KEY selects an application bean, so SESSION_SQLALCHEMY must stay unset;"
                        + " set one of them"));
    }

    @Test
    void passwordsNeverAppearInDescriptions() {
        assertEquals("jdbc:postgresql://db/app?user=app&password=***&ssl=true",
                JdbcUrls.redact("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true"));
        assertEquals("jdbc:mysql://app:***@db:3306/app", JdbcUrls.redact("jdbc:mysql://app:s3cret@db:3306/app"));
        assertEquals("jdbc:sqlserver://db;user=app;password=***;encrypt=true",
                JdbcUrls.redact("jdbc:sqlserver://db;user=app;password=s3cret;encrypt=true"));
        assertEquals("jdbc:h2:mem:test", JdbcUrls.redact("jdbc:h2:mem:test"));
    }
}

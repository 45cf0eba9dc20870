package dev.serversessions.internal.backend.jpa;

import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.persistence.config.SessionCustomizer;
import org.eclipse.persistence.jpa.PersistenceProvider;
import org.eclipse.persistence.sessions.DatabaseLogin;

/**
 * Builds the backend's own EclipseLink {@link EntityManagerFactory}, from a JDBC URL or a
 * DataSource, without a {@code persistence.xml}. Building never connects: EclipseLink logs in on
 * the first {@code createEntityManager()}, so a deployment succeeds while the database is down.
 */
final class SessionEntityManagerFactories {
    private SessionEntityManagerFactories() {
    }

    /**
     * A factory with EclipseLink's own connection pool on a JDBC URL; the driver is loaded from
     * {@code loader}, the application's, also when the server provides EclipseLink.
     */
    static EntityManagerFactory forUrl(String url, String driverClass, JpaSettings settings, ClassLoader loader) {
        Properties properties = common(settings);
        properties.put("jakarta.persistence.jdbc.url", url);
        properties.put("jakarta.persistence.jdbc.driver", driverClass);
        settings.user().ifPresent(u -> properties.put("jakarta.persistence.jdbc.user", u));
        settings.password().ifPresent(p -> properties.put("jakarta.persistence.jdbc.password", p));
        // EclipseLink hands properties of this prefix to Driver.connect
        JdbcUrls.driverTimeouts(url, settings.timeoutSeconds())
                .forEach((name, value) -> properties.put("eclipselink.jdbc.property." + name, value));
        long waitMillis = settings.timeoutSeconds() * 1000L;
        for (String pool : new String[] {"default", "read"}) {
            String prefix = "eclipselink.connection-pool." + pool + ".";
            properties.put(prefix + "initial", "1");
            // min = max: EclipseLink closes a released connection whenever more than min are open
            properties.put(prefix + "min", String.valueOf(settings.poolSize()));
            properties.put(prefix + "max", String.valueOf(settings.poolSize()));
            properties.put(prefix + "wait", String.valueOf(waitMillis));
        }
        properties.put("eclipselink.session.customizer", (SessionCustomizer) session -> {
            DatabaseLogin login = (DatabaseLogin) session.getDatasourceLogin();
            // Writers of different sessions must not block each other through InnoDB gap locks,
            // which REPEATABLE READ (MariaDB's default) takes on every DELETE of absent rows.
            login.setTransactionIsolation(DatabaseLogin.TRANSACTION_READ_COMMITTED);
            noSlowRetries(login);
        });
        return create(null, properties, loader);
    }

    /** A factory on a DataSource, whose pool (usually the container's) EclipseLink uses as it is. */
    static EntityManagerFactory forDataSource(DataSource dataSource, JpaSettings settings, ClassLoader loader) {
        Properties properties = common(settings);
        properties.put("eclipselink.session.customizer",
                (SessionCustomizer) session -> noSlowRetries((DatabaseLogin) session.getDatasourceLogin()));
        return create(dataSource, properties, loader);
    }

    /**
     * EclipseLink retries a failed query three times, five seconds apart, before it gives up: a
     * request would hang 15 seconds on a dead database. The backend fails fast instead and
     * retries once itself, after EclipseLink has dropped the dead connections.
     */
    private static void noSlowRetries(DatabaseLogin login) {
        login.setQueryRetryAttemptCount(0);
        login.setDelayBetweenConnectionAttempts(0);
    }

    private static Properties common(JpaSettings settings) {
        Properties properties = new Properties();
        properties.put("eclipselink.target-server", "None");
        properties.put("eclipselink.weaving", "false");
        properties.put("eclipselink.logging.logger", "JavaLogger");
        // Failures reach the application's log once, through the session filter's outage log.
        properties.put("eclipselink.logging.level", "OFF");
        properties.put("jakarta.persistence.query.timeout", String.valueOf(settings.timeoutSeconds() * 1000L));
        return properties;
    }

    private static EntityManagerFactory create(DataSource dataSource, Properties properties, ClassLoader loader) {
        String name = "server-sessions-" + UUID.randomUUID();
        properties.put("eclipselink.session-name", name);
        SessionPersistenceUnit unit = new SessionPersistenceUnit(name, dataSource, properties, loader);
        return new PersistenceProvider().createContainerEntityManagerFactory(unit, new HashMap<>());
    }
}

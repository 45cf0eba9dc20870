package dev.serversessions.internal.backend.jpa;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.backend.jpa.JpaSettings.JdbcUrl;
import dev.serversessions.internal.backend.jpa.JpaSettings.JndiName;
import dev.serversessions.internal.backend.jpa.JpaSettings.Target;
import dev.serversessions.internal.config.ConfigValues;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Builds the SQL backend ({@code SESSION_TYPE=sqlalchemy}, alias {@code jpa}) from
 * {@code SESSION_SQLALCHEMY*}. The database is, in this order: the application's bean chosen by
 * {@code SESSION_SQLALCHEMY_BIND_KEY}; its {@code @Backend(SQLALCHEMY)} EntityManagerFactory or
 * DataSource; the JDBC URL or JNDI name in {@code SESSION_SQLALCHEMY}.
 */
public final class JpaBackendProvider implements BackendProvider {
    @Override
    public void validate(ConfigValues values) {
        JpaSettings settings = JpaSettings.read(values);
        if (settings.target().isEmpty() && values.optionalString(JpaSettings.URL).isEmpty()
                && !ApplicationDatabases.declared(settings.bindKey())) {
            values.problem(settings.bindKey()
                    .map(k -> JpaSettings.BIND_KEY + "=" + k + " names no bean: produce an EntityManagerFactory or a DataSource"
                            + " with @Named(\"" + k + "\")")
                    .orElse(JpaSettings.URL + " is required for SESSION_TYPE=sqlalchemy: a JDBC URL (the driver in the WAR,"
                            + " e.g. jdbc:postgresql://127.0.0.1:5432/app) or the JNDI name of a DataSource"
                            + " (e.g. java:app/jdbc/sessions); or produce an @Backend(SQLALCHEMY) EntityManagerFactory or DataSource"));
        }
        settings.target().filter(JdbcUrl.class::isInstance).map(t -> ((JdbcUrl) t).url())
                .filter(url -> JdbcUrls.driverClass(url, loader()).isEmpty())
                .ifPresent(url -> values.problem(JpaSettings.URL, JdbcUrls.redact(url),
                        "has no JDBC driver on the class path: add the database's driver jar to the WAR"));
    }

    @Override
    public SessionBackend create(BackendContext context) {
        return create(context, Clock.systemUTC());
    }

    /** With a clock of the test's: sessions expire by it; lock leases by the database's own. */
    SessionBackend create(BackendContext context, Clock clock) {
        JpaSettings settings = JpaSettings.read(context.config());
        String place = " (table " + settings.schema().map(s -> s + ".").orElse("") + settings.table() + ")";
        Optional<Object> own = ApplicationDatabases.find(settings.bindKey(), context.clients());
        SessionDatabase database;
        if (own.isPresent() && own.get() instanceof EntityManagerFactory factory) {
            database = new SessionDatabase(() -> factory, false, "sqlalchemy, the application's EntityManagerFactory"
                    + settings.bindKey().map(k -> " @Named(\"" + k + "\")").orElse("") + place, settings, Optional.empty(), false);
        } else if (own.isPresent()) {
            DataSource dataSource = (DataSource) own.get();
            database = new SessionDatabase(() -> SessionEntityManagerFactories.forDataSource(dataSource, settings, loader()), true,
                    "sqlalchemy, the application's DataSource" + settings.bindKey().map(k -> " @Named(\"" + k + "\")").orElse("")
                            + place, settings, Optional.empty(), false);
        } else {
            database = fromTarget(settings, place);
        }
        return new JpaSessionBackend(database, context.settings().keyPrefix(), clock);
    }

    private static SessionDatabase fromTarget(JpaSettings settings, String place) {
        Target target = settings.target().orElseThrow(() -> new IllegalStateException(settings.bindKey()
                .map(k -> JpaSettings.BIND_KEY + "=" + k + " names no EntityManagerFactory or DataSource bean")
                .orElse(JpaSettings.URL + " is not set and the application produces no @Backend(SQLALCHEMY) database")));
        if (target instanceof JdbcUrl jdbc) {
            String driver = JdbcUrls.driverClass(jdbc.url(), loader()).orElseThrow(() -> new IllegalStateException(
                    "no JDBC driver on the class path accepts " + JdbcUrls.redact(jdbc.url())));
            Supplier<EntityManagerFactory> opener = () -> SessionEntityManagerFactories.forUrl(jdbc.url(), driver, settings, loader());
            return new SessionDatabase(opener, true, "sqlalchemy " + JdbcUrls.redact(jdbc.url()) + place, settings,
                    SqlDialect.ofUrl(jdbc.url()), true);
        }
        String name = ((JndiName) target).name();
        return new SessionDatabase(() -> SessionEntityManagerFactories.forDataSource(lookup(name), settings, loader()), true,
                "sqlalchemy DataSource " + name + place, settings, Optional.empty(), false);
    }

    /** Looks the DataSource up on first use, from a request thread, where the component's names resolve. */
    private static DataSource lookup(String name) {
        try {
            Object found = new InitialContext().lookup(name);
            if (found instanceof DataSource dataSource) {
                return dataSource;
            }
            throw new PersistenceException(JpaSettings.URL + "=" + name + " names a " + found.getClass().getName()
                    + ", not a javax.sql.DataSource");
        } catch (NamingException e) {
            throw new PersistenceException(JpaSettings.URL + "=" + name + " cannot be looked up in JNDI: " + e, e);
        }
    }

    private static ClassLoader loader() {
        return JpaBackendProvider.class.getClassLoader();
    }
}

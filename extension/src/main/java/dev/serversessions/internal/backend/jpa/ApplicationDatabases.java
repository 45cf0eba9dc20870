package dev.serversessions.internal.backend.jpa;

import dev.serversessions.api.Backend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.ClientLookup;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Finds the database the application produced itself: the Java form of the seed's
 * "SQLAlchemy instance".
 *
 * <ul>
 * <li>{@code SESSION_SQLALCHEMY_BIND_KEY=orders}: the bean {@code @Named("orders")} of type
 * {@code EntityManagerFactory}, else {@code DataSource}; any other qualifiers it has are ignored,
 * so a factory the application already names for itself can be shared as it is.</li>
 * <li>otherwise: the bean {@code @Backend(SQLALCHEMY) EntityManagerFactory}, else
 * {@code @Backend(SQLALCHEMY) DataSource}.</li>
 * </ul>
 * The extension never closes what it finds here.
 */
final class ApplicationDatabases {
    private static final List<Class<?>> TYPES = List.of(EntityManagerFactory.class, DataSource.class);

    private ApplicationDatabases() {
    }

    /** What the application produced, or empty. */
    static Optional<Object> find(Optional<String> bindKey, ClientLookup clients) {
        if (bindKey.isPresent()) {
            return named(bindKey.get());
        }
        for (Class<?> type : TYPES) {
            Optional<?> found = clients.find(type, SessionType.SQLALCHEMY);
            if (found.isPresent()) {
                return Optional.of(found.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<Object> named(String name) {
        CDI<Object> cdi;
        try {
            cdi = CDI.current();
        } catch (IllegalStateException | LinkageError e) {
            return Optional.empty();
        }
        for (Class<?> type : TYPES) {
            Instance<?> beans = cdi.select(type, NamedLiteral.of(name));
            if (beans.isAmbiguous()) {
                throw new IllegalStateException(JpaSettings.BIND_KEY + "=" + name + " names several " + type.getSimpleName()
                        + " beans; give each its own @Named");
            }
            if (beans.isResolvable()) {
                return Optional.of(beans.get());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the application declares a bean the backend could use; asked while the deployment
     * is validated. Without CDI there can be none.
     */
    static boolean declared(Optional<String> bindKey) {
        try {
            BeanManager beans = CDI.current().getBeanManager();
            for (Class<?> type : TYPES) {
                boolean found = bindKey.isPresent()
                        ? !beans.getBeans(type, NamedLiteral.of(bindKey.get())).isEmpty()
                        : !beans.getBeans(type, Backend.Literal.of(SessionType.SQLALCHEMY)).isEmpty();
                if (found) {
                    return true;
                }
            }
            return false;
        } catch (IllegalStateException | LinkageError e) {
            return false;
        }
    }
}

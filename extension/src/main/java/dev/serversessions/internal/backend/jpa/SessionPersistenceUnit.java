package dev.serversessions.internal.backend.jpa;

import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The backend's persistence unit, described in code so that the jar ships no
 * {@code persistence.xml}: a second unit in a WAR breaks every {@code @PersistenceContext}
 * without a unit name on WildFly. It has no entities (every statement is native SQL over the
 * table names the keys choose) and manages its own resource-local transactions, so session
 * writes never join, or wait for, the application's JTA transaction.
 */
final class SessionPersistenceUnit implements PersistenceUnitInfo {
    private final String name;
    private final DataSource dataSource;
    private final Properties properties;
    private final ClassLoader loader;
    private final URL rootUrl = rootUrl();

    /**
     * @param name       unique per factory: EclipseLink keeps its units in a JVM-wide registry,
     *                   shared by every application when the server provides EclipseLink
     * @param dataSource the container's or application's DataSource, or null when
     *                   {@code properties} carry a JDBC URL
     */
    SessionPersistenceUnit(String name, DataSource dataSource, Properties properties, ClassLoader loader) {
        this.name = name;
        this.dataSource = dataSource;
        this.properties = properties;
        this.loader = loader;
    }

    @Override
    public String getPersistenceUnitName() {
        return name;
    }

    @Override
    public String getPersistenceProviderClassName() {
        return org.eclipse.persistence.jpa.PersistenceProvider.class.getName();
    }

    @Override
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return dataSource;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    /**
     * EclipseLink reads {@code META-INF/orm.xml} below this URL, so it must be a place without one:
     * this library's own jar.
     */
    @Override
    public URL getPersistenceUnitRootUrl() {
        return rootUrl;
    }

    private static URL rootUrl() {
        CodeSource source = SessionPersistenceUnit.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null && "file".equals(source.getLocation().getProtocol())) {
            return source.getLocation();
        }
        return EmptyRoot.url();
    }

    /**
     * Where the jar is no directory (WildFly's {@code vfs:}), an empty directory of this
     * deployment's own: made once, not per factory (a database that is down makes a new factory
     * per request), and removed when the backend closes at undeploy. This class is loaded once
     * per deployment, with the library in {@code WEB-INF/lib}.
     */
    static final class EmptyRoot {
        private static Path dir;

        private EmptyRoot() {
        }

        static synchronized URL url() {
            try {
                if (dir == null || !Files.isDirectory(dir)) {
                    dir = Files.createTempDirectory("server-sessions-unit");
                }
                return dir.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static synchronized void remove() {
            if (dir == null) {
                return;
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                dir.toFile().deleteOnExit();
                Logger.getLogger(SessionPersistenceUnit.class.getName()).log(Level.FINE, "cannot remove " + dir, e);
            }
            dir = null;
        }

        static synchronized Path current() {
            return dir;
        }
    }

    @Override
    public List<String> getManagedClassNames() {
        return List.of();
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.NONE;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.0";
    }

    @Override
    public ClassLoader getClassLoader() {
        return loader;
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // no entities, nothing to weave
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return loader;
    }
}

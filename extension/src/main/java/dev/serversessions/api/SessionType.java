package dev.serversessions.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The stores a server session can live in, named as in {@code SESSION_TYPE}.
 *
 * <p>Each type names the client class whose presence on the class path makes the type
 * available, and the provider that builds its backend. Both are plain strings so that this
 * enum never loads a client library: a WAR that carries only Jedis must not touch MongoDB.
 */
public enum SessionType {
    /** Redis through Jedis: one hash per session. */
    REDIS("redis", "redis.clients.jedis.UnifiedJedis", "dev.serversessions.internal.backend.redis.RedisBackendProvider"),
    /** Memcached through spymemcached: one item per session, merged with CAS. */
    MEMCACHED("memcached", "net.spy.memcached.MemcachedClient", "dev.serversessions.internal.backend.memcached.MemcachedBackendProvider"),
    /** One file per session in {@code SESSION_FILE_DIR}; needs nothing but the JDK. */
    FILESYSTEM("filesystem", null, "dev.serversessions.internal.backend.filesystem.FileSystemBackendProvider"),
    /** MongoDB through mongodb-driver-sync: one document per session. */
    MONGODB("mongodb", "com.mongodb.client.MongoClient", "dev.serversessions.internal.backend.mongodb.MongoBackendProvider"),
    /** A SQL database through JPA (EclipseLink); the seed's SQLAlchemy backend. */
    SQLALCHEMY("sqlalchemy", "org.eclipse.persistence.jpa.PersistenceProvider", "dev.serversessions.internal.backend.jpa.JpaBackendProvider");

    private final String configName;
    private final String clientClass;
    private final String providerClass;

    SessionType(String configName, String clientClass, String providerClass) {
        this.configName = configName;
        this.clientClass = clientClass;
        this.providerClass = providerClass;
    }

    /** The value of {@code SESSION_TYPE} that selects this type. */
    public String configName() {
        return configName;
    }

    /** Fully qualified name of the {@code BackendProvider} of this type. */
    public String providerClass() {
        return providerClass;
    }

    /**
     * Whether this type's client library can be loaded by {@code loader}; the filesystem
     * backend needs none.
     */
    public boolean isAvailable(ClassLoader loader) {
        if (clientClass == null) {
            return true;
        }
        try {
            Class.forName(clientClass, false, loader);
            Class.forName(providerClass, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The client class that must be present for this type, or empty for the filesystem. */
    public Optional<String> clientClass() {
        return Optional.ofNullable(clientClass);
    }

    /**
     * Parses a {@code SESSION_TYPE} value, case-insensitively; {@code jpa} is an alias of
     * {@code sqlalchemy}.
     */
    public static Optional<SessionType> fromConfig(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("jpa")) {
            return Optional.of(SQLALCHEMY);
        }
        return Arrays.stream(values()).filter(t -> t.configName.equals(v)).findFirst();
    }
}

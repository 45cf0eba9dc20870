package dev.serversessions.internal.backend.redis;

import dev.serversessions.internal.config.ConfigValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Redis backend's keys.
 *
 * @param mode             {@code SESSION_REDIS_MODE}: standalone (default), sentinel or cluster
 * @param address          {@code SESSION_REDIS}: the server, the sentinels or the cluster's seed nodes
 * @param master           {@code SESSION_REDIS_MASTER}: the master the sentinels watch (sentinel mode)
 * @param sentinelPassword {@code SESSION_REDIS_SENTINEL_PASSWORD}: for sentinels that require one
 * @param poolSize         {@code SESSION_REDIS_POOL_SIZE}: most connections per Redis server
 * @param timeout          {@code SESSION_REDIS_TIMEOUT_MS}: connect and read timeout
 * @param tlsCaFile        {@code SESSION_REDIS_TLS_CA_FILE}: PEM certificates to trust for
 *                         {@code rediss://} instead of the JVM's trust store
 * @param nearCacheSize    {@code SESSION_REDIS_NEAR_CACHE_SIZE} when {@code SESSION_REDIS_NEAR_CACHE} is on:
 *                         most sessions this server keeps in memory; 0 when the near cache is off
 * @param nearCacheBytes   {@code SESSION_REDIS_NEAR_CACHE_BYTES}: most bytes of sessions this server keeps in memory
 */
record RedisSettings(Mode mode, RedisAddress address, Optional<String> master, Optional<String> sentinelPassword,
                     int poolSize, Duration timeout, Optional<Path> tlsCaFile, int nearCacheSize, long nearCacheBytes) {
    static final String REDIS = "SESSION_REDIS";
    static final String MODE = "SESSION_REDIS_MODE";
    static final String MASTER = "SESSION_REDIS_MASTER";
    static final String SENTINEL_PASSWORD = "SESSION_REDIS_SENTINEL_PASSWORD";
    static final String POOL_SIZE = "SESSION_REDIS_POOL_SIZE";
    static final String TIMEOUT_MS = "SESSION_REDIS_TIMEOUT_MS";
    static final String TLS_CA_FILE = "SESSION_REDIS_TLS_CA_FILE";
    static final String NEAR_CACHE = "SESSION_REDIS_NEAR_CACHE";
    static final String NEAR_CACHE_SIZE = "SESSION_REDIS_NEAR_CACHE_SIZE";
    static final String NEAR_CACHE_BYTES = "SESSION_REDIS_NEAR_CACHE_BYTES";

    static final String DEFAULT_ADDRESS = "redis://127.0.0.1:6379";
    static final int DEFAULT_POOL_SIZE = 16;
    static final long DEFAULT_TIMEOUT_MS = 2000;
    static final int DEFAULT_NEAR_CACHE_SIZE = 10_000;
    private static final int MAX_NEAR_CACHE_SIZE = 10_000_000;
    /**
     * 64 MiB: a tenth of a small server's 640 MB heap. The session count alone does not bound
     * memory: 10,000 sessions of the 4 MiB SESSION_MAX_SIZE would be 40 GB.
     */
    static final long DEFAULT_NEAR_CACHE_BYTES = 64L * 1024 * 1024;
    private static final long MIN_NEAR_CACHE_BYTES = 1024L * 1024;
    private static final long MAX_NEAR_CACHE_BYTES = 1L << 40;

    /** How the backend finds its Redis. */
    enum Mode {
        STANDALONE, SENTINEL, CLUSTER;

        int defaultPort() {
            return this == SENTINEL ? 26379 : 6379;
        }

        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Reads every key, recording each problem in {@code values}; bad keys get their defaults. */
    static RedisSettings read(ConfigValues values) {
        Mode mode = values.choice(MODE, Mode.STANDALONE, Mode.class);
        RedisAddress address = readAddress(values, mode);
        Optional<String> master = values.optionalString(MASTER).filter(s -> !s.isEmpty());
        if (mode == Mode.SENTINEL && master.isEmpty()) {
            values.problem(MASTER + " is required with " + MODE + "=sentinel: the name of the master the sentinels"
                    + " monitor (e.g. mymaster)");
        }
        int poolSize = (int) values.numberInRange(POOL_SIZE, DEFAULT_POOL_SIZE, 1, 10_000,
                "is not a connection count from 1 to 10000");
        long timeoutMs = values.numberInRange(TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, Integer.MAX_VALUE,
                "is not a timeout in milliseconds from 1 to " + Integer.MAX_VALUE);
        Optional<Path> tlsCaFile = readCaFile(values, address);
        return new RedisSettings(mode, address, master, values.optionalString(SENTINEL_PASSWORD).filter(s -> !s.isEmpty()),
                poolSize, Duration.ofMillis(timeoutMs), tlsCaFile, readNearCacheSize(values, mode),
                values.numberInRange(NEAR_CACHE_BYTES, DEFAULT_NEAR_CACHE_BYTES, MIN_NEAR_CACHE_BYTES, MAX_NEAR_CACHE_BYTES,
                        "is not a number of bytes from " + MIN_NEAR_CACHE_BYTES + " (1 MiB) to " + MAX_NEAR_CACHE_BYTES + " (1 TiB)"));
    }

    private static int readNearCacheSize(ConfigValues values, Mode mode) {
        boolean on = values.bool(NEAR_CACHE, false);
        long size = values.number(NEAR_CACHE_SIZE, DEFAULT_NEAR_CACHE_SIZE, 1);
        if (size > MAX_NEAR_CACHE_SIZE) {
            values.problem(NEAR_CACHE_SIZE, String.valueOf(size), "is not a session count from 1 to " + MAX_NEAR_CACHE_SIZE);
            size = DEFAULT_NEAR_CACHE_SIZE;
        }
        if (on && mode == Mode.CLUSTER) {
            // invalidations come from the node that owns a key: one tracking connection per master,
            // kept right through resharding and failovers, is not built (yet)
            values.problem(NEAR_CACHE + "=true does not work with " + MODE + "=cluster: Redis Cluster sends a key's"
                    + " invalidations only from the master that owns it; turn the near cache off, or use a standalone"
                    + " Redis or Sentinel");
        }
        return on ? (int) size : 0;
    }

    boolean nearCache() {
        return nearCacheSize > 0;
    }

    private static RedisAddress readAddress(ConfigValues values, Mode mode) {
        String value = values.string(REDIS, DEFAULT_ADDRESS);
        RedisAddress fallback = RedisAddress.parse(DEFAULT_ADDRESS, 6379);
        RedisAddress address;
        try {
            address = RedisAddress.parse(value, mode.defaultPort());
        } catch (IllegalArgumentException e) {
            values.problem(REDIS, RedisAddress.redact(value), e.getMessage() + "; expected redis[s]://[user:password@]host:port[/db]"
                    + (mode == Mode.STANDALONE ? "" : " or a comma list of host:port"));
            return fallback;
        }
        if (mode == Mode.STANDALONE && address.nodes().size() > 1) {
            values.problem(REDIS, RedisAddress.redact(value), "lists " + address.nodes().size() + " hosts; give one, or set "
                    + MODE + "=cluster (seed nodes) or " + MODE + "=sentinel (sentinels)");
            return fallback;
        }
        if (mode == Mode.CLUSTER && address.database() != 0) {
            values.problem(REDIS, RedisAddress.redact(value), "selects database " + address.database()
                    + "; Redis Cluster has only database 0 (drop the /" + address.database() + ")");
        }
        if (address.database() > 1000) {
            values.problem(REDIS, RedisAddress.redact(value), "selects database " + address.database()
                    + "; Redis databases are numbered from 0 (16 by default)");
        }
        return address;
    }

    private static Optional<Path> readCaFile(ConfigValues values, RedisAddress address) {
        Optional<String> raw = values.optionalString(TLS_CA_FILE).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (!address.tls()) {
            values.problem(TLS_CA_FILE, raw.get(), "is set but " + REDIS + " does not use TLS: use a rediss:// URL");
            return Optional.empty();
        }
        try {
            Path file = Path.of(raw.get());
            if (certificates(file).isEmpty()) {
                values.problem(TLS_CA_FILE, raw.get(), "holds no certificate: give a PEM file of the CA that signed Redis's certificate");
                return Optional.empty();
            }
            return Optional.of(file);
        } catch (InvalidPathException | IOException | GeneralSecurityException e) {
            values.problem(TLS_CA_FILE, raw.get(), "is not a readable PEM certificate file (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /** The certificates in a PEM (or DER) file. */
    static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    /** The store as logs name it: mode and address, never credentials. */
    String describe() {
        String scheme = address.tls() ? "rediss" : "redis";
        return switch (mode) {
            case STANDALONE -> scheme + " " + address.nodeList() + "/" + address.database();
            case CLUSTER -> scheme + " cluster " + address.nodeList();
            case SENTINEL -> scheme + " sentinel master " + master.orElse("?") + " via " + address.nodeList()
                    + "/" + address.database();
        };
    }

    List<redis.clients.jedis.HostAndPort> nodes() {
        return address.nodes();
    }
}

package dev.serversessions.internal.backend.redis;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.LinkedHashSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/** Builds the Jedis client {@link RedisSettings} describe. */
final class RedisClients {
    private static final int CLUSTER_ATTEMPTS = 5;
    private RedisClients() {
    }

    /**
     * A new client. Sentinel and cluster clients ask their nodes for the topology right here, so
     * this throws a {@code JedisException} while they are unreachable; callers build lazily.
     */
    static UnifiedJedis build(RedisSettings settings) {
        RedisAddress address = settings.address();
        DefaultJedisClientConfig.Builder redis = data(settings);
        GenericObjectPoolConfig<Connection> pool = pool(settings);
        return switch (settings.mode()) {
            case STANDALONE -> RedisClient.builder().hostAndPort(address.nodes().get(0))
                    .clientConfig(redis.build()).poolConfig(pool).build();
            // Jedis retries a cluster command (redirects, failovers) for up to this long; its
            // default, five timeouts, would hold every request of an outage for ten seconds
            case CLUSTER -> RedisClusterClient.builder().nodes(new LinkedHashSet<>(address.nodes()))
                    .clientConfig(redis.build()).maxAttempts(CLUSTER_ATTEMPTS)
                    .maxTotalRetriesDuration(settings.timeout()).poolConfig(pool).build();
            case SENTINEL -> {
                DefaultJedisClientConfig.Builder sentinel = common(settings);
                settings.sentinelPassword().ifPresent(sentinel::password);
                yield RedisSentinelClient.builder().masterName(settings.master().orElseThrow())
                        .clientConfig(redis.build()).poolConfig(pool)
                        .sentinels(new LinkedHashSet<>(address.nodes())).sentinelClientConfig(sentinel.build()).build();
            }
        };
    }

    /** How a connection to a data node (not a sentinel) is made: database, credentials, TLS, timeouts. */
    static JedisClientConfig dataConfig(RedisSettings settings) {
        return data(settings).build();
    }

    private static DefaultJedisClientConfig.Builder data(RedisSettings settings) {
        RedisAddress address = settings.address();
        DefaultJedisClientConfig.Builder redis = common(settings).database(address.database());
        address.user().ifPresent(redis::user);
        address.password().ifPresent(redis::password);
        return redis;
    }

    private static DefaultJedisClientConfig.Builder common(RedisSettings settings) {
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).clientName("server-sessions")
                // Jedis 8 sends HELLO 3 on every new connection by default; the scripts' replies
                // and every Redis from 2.6 on speak RESP2, so no negotiation is needed
                .protocol(RedisProtocol.RESP2);
        if (settings.address().tls()) {
            // Jedis checks no host name unless asked: without this any certificate the trust
            // store accepts would do for any host.
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            config.ssl(true).sslParameters(parameters);
            settings.tlsCaFile().ifPresent(file -> config.sslSocketFactory(trusting(settings)));
        }
        return config;
    }

    private static GenericObjectPoolConfig<Connection> pool(RedisSettings settings) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        // the default waits forever for a free connection; a busy pool must surface as a 503
        pool.setMaxWait(settings.timeout());
        // no test-on-borrow PING: it would double the round trips of every request
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(false);
        pool.setMinEvictableIdleDuration(Duration.ofMinutes(5));
        pool.setTimeBetweenEvictionRuns(Duration.ofMinutes(1));
        // app servers redeploy WARs: a JMX name per pool would leak or clash
        pool.setJmxEnabled(false);
        return pool;
    }

    private static javax.net.ssl.SSLSocketFactory trusting(RedisSettings settings) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : RedisSettings.certificates(settings.tlsCaFile().orElseThrow())) {
                trusted.setCertificateEntry("redis-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(RedisSettings.TLS_CA_FILE + "=" + settings.tlsCaFile().orElseThrow()
                    + " could not be read: " + e.getMessage(), e);
        }
    }
}

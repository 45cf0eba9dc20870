package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.backend.StartUpWait;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis backend's client and how a command reaches Redis through it: built on first use (off
 * the request thread), retried on a fresh connection after a dead one within the timeout, and
 * closed with the backend when it is the backend's own.
 */
final class RedisCalls {
    private static final Logger LOG = Logger.getLogger(RedisCalls.class.getName());

    private final Supplier<UnifiedJedis> connect;
    private final boolean ownsClient;
    private final String description;
    private final int maxRetries;
    private final Duration retryWindow;
    private volatile UnifiedJedis client;
    /** The build in progress, if any; guarded by {@code this}. */
    private CompletableFuture<UnifiedJedis> building;

    RedisCalls(Supplier<UnifiedJedis> connect, boolean ownsClient, String description, int maxRetries, Duration retryWindow) {
        this.connect = connect;
        this.ownsClient = ownsClient;
        this.description = description;
        this.maxRetries = maxRetries;
        this.retryWindow = retryWindow;
    }

    /** Uses the application's client, built already. */
    void use(UnifiedJedis applicationClient) {
        client = applicationClient;
    }

    /** The client, waiting for its build at most the timeout. */
    UnifiedJedis client() {
        return client(System.nanoTime() + retryWindow.toNanos());
    }

    /** Closes the client if it is this backend's own; a build still running closes what it builds. */
    synchronized void close() {
        if (ownsClient && client != null) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing the Redis client failed", e);
            }
        }
        client = null;
        building = null;
    }

    /**
     * The client, built on first use; a failed build is tried again by the next request.
     *
     * <p>Building a sentinel or cluster client asks node after node for the topology, each up
     * to the connect timeout: while they are unreachable one build takes k timeouts. So it runs
     * on a thread of its own, once however many requests need it, and each request waits for it
     * only until its own deadline; a build that outlives the request still gives the next
     * requests their client. (Built under a lock in the request, the requests queued behind it
     * each waited out a whole build of their own.)
     */
    private UnifiedJedis client(long deadline) {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        CompletableFuture<UnifiedJedis> pending;
        synchronized (this) {
            if (client != null) {
                return client;
            }
            if (building == null) {
                CompletableFuture<UnifiedJedis> started = new CompletableFuture<>();
                building = started;
                Thread builder = new Thread(() -> build(started), "server-sessions-redis-connect");
                builder.setContextClassLoader(Thread.currentThread().getContextClassLoader());
                builder.setDaemon(true);
                builder.start();
            }
            pending = building;
        }
        return StartUpWait.awaitUntil(pending, deadline, description,
                () -> new JedisConnectionException("no connection within " + retryWindow.toMillis() + " ms"));
    }

    private void build(CompletableFuture<UnifiedJedis> started) {
        UnifiedJedis built;
        try {
            built = connect.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                if (building == started) {
                    building = null;
                }
            }
            started.completeExceptionally(e);
            return;
        }
        boolean current;
        synchronized (this) {
            current = building == started;
            if (current) {
                client = built;
                building = null;
            }
        }
        if (!current && ownsClient) {
            built.close(); // the backend was closed while this build ran
        }
        started.complete(built);
    }

    /**
     * Runs one command or script. After a Redis restart every pooled connection is dead, and
     * without dropping them the first requests after recovery would fail one by one; so a
     * failed connection is retried on a fresh one, as long as the failures leave time within the
     * timeout (dead connections fail at once; a network that swallows packets, or a cluster
     * whose every node is down, uses up the timeout in one attempt, and a second would double
     * the request's wait). Every operation here may safely run twice.
     */
    <T> T call(Function<UnifiedJedis, T> command) {
        long deadline = System.nanoTime() + retryWindow.toNanos();
        JedisException failure = null;
        for (int attempt = 0; ; attempt++) {
            try {
                return command.apply(client(deadline));
            } catch (JedisConnectionException | JedisClusterOperationException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
                if (attempt >= maxRetries || System.nanoTime() > deadline) {
                    throw new SessionStoreUnavailableException(description, failure);
                }
                dropIdleConnections();
            } catch (JedisException e) {
                throw new SessionStoreUnavailableException(description, e);
            }
        }
    }

    private void dropIdleConnections() {
        UnifiedJedis c = client;
        if (c instanceof RedisClient standalone) {
            standalone.getPool().clear();
        } else if (c instanceof RedisClusterClient cluster) {
            cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
        } else if (c instanceof JedisCluster cluster) { // an application's own, still in Jedis 8
            cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
        }
    }
}

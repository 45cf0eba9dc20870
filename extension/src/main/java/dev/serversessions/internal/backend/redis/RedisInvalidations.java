package dev.serversessions.internal.backend.redis;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisCredentials;

/**
 * The connection that keeps a {@link RedisNearCache} coherent: Redis's server-assisted
 * invalidation in broadcast mode on the session key prefix, in RESP2 (Redis 6 and newer). The
 * connection redirects its own invalidations to itself and subscribes to
 * {@code __redis__:invalidate}; from then on Redis tells it of every change to a key under the
 * prefix, by any client (a write, DEL, RENAME, an expiry or eviction), and sends a null message
 * for FLUSHALL and FLUSHDB. Broadcast mode needs no tracking on the pooled data connections: what
 * they read needs no registering, so it works with any pool, and with sessions other servers wrote.
 *
 * <p>Safety: the cache serves only while this connection is subscribed and in step. A heartbeat
 * {@code PING} goes out every {@link #HEARTBEAT}; its answer, queued behind every invalidation
 * Redis sent before it, proves those were processed. If no answer comes within the heartbeat plus
 * {@code SESSION_REDIS_TIMEOUT_MS} the cache stops serving at once (its lease runs out) and the
 * connection is dropped; a dropped connection (a Redis restart, a Sentinel failover, a network
 * cut) empties the cache. Reconnecting re-enables tracking, and only then does the cache serve again.
 */
final class RedisInvalidations implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final String CHANNEL = "__redis__:invalidate";
    private static final byte[] CRLF = {'\r', '\n'};
    private static final long MAX_BACKOFF_MS = 5000;
    private static final Logger LOG = Logger.getLogger(RedisInvalidations.class.getName());

    private final Supplier<HostAndPort> master;
    private final JedisClientConfig config;
    private final String keyPrefix;
    private final RedisNearCache cache;
    private final long lagNanos;
    private final String description;
    private final Thread reader;
    private final Thread heartbeat;
    /** When each unanswered PING went out (System.nanoTime), oldest first. */
    private final Queue<Long> pings = new ConcurrentLinkedQueue<>();
    private volatile TrackingConnection connection;
    private volatile long lastAnsweredPing;
    private volatile boolean closed;

    /**
     * @param master where the connection goes (the server, or the master Sentinel names now)
     */
    RedisInvalidations(Supplier<HostAndPort> master, JedisClientConfig config, String keyPrefix, RedisNearCache cache,
                       Duration timeout, String description) {
        this.master = master;
        this.config = config;
        this.keyPrefix = keyPrefix;
        this.cache = cache;
        this.lagNanos = HEARTBEAT.plus(timeout).toNanos();
        this.description = description;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        this.reader = daemon(this::listen, "server-sessions-redis-invalidations", loader);
        this.heartbeat = daemon(this::beat, "server-sessions-redis-invalidations-heartbeat", loader);
    }

    private static Thread daemon(Runnable body, String name, ClassLoader loader) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        return thread;
    }

    RedisInvalidations start() {
        reader.start();
        heartbeat.start();
        return this;
    }

    private void listen() {
        long backoff = 100;
        boolean warned = false;
        while (!closed) {
            TrackingConnection c = null;
            try {
                c = new TrackingConnection(new DefaultJedisSocketFactory(master.get(), config).createSocket());
                connection = c;
                subscribe(c);
                if (warned) {
                    LOG.info("Redis near cache: invalidations from " + description + " are back; serving from memory again");
                }
                warned = false;
                backoff = 100;
                for (; ; ) {
                    c.awaitData();
                    handle(c.read());
                }
            } catch (IOException | RuntimeException e) {
                cache.serving(false);
                if (closed) {
                    return;
                }
                if (!warned) {
                    LOG.log(Level.WARNING, "Redis near cache: the invalidation connection to " + description
                            + " failed (" + e + "); every read goes to Redis until it is back", LOG.isLoggable(Level.FINE) ? e : null);
                    warned = true;
                }
            } finally {
                connection = null;
                if (c != null) {
                    c.close();
                }
            }
            sleep(backoff);
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /**
     * Whether the listening thread may be behind: bytes from Redis wait unread, or were read and
     * are not yet processed. A hit is served only when this is false, so the window of a write
     * elsewhere is the time its invalidation spends on the wire, not the time this server's
     * thread takes to wake up (with TLS the encrypted bytes are not counted: there it is both).
     */
    boolean behind() {
        TrackingConnection c = connection;
        return c == null || c.behind();
    }

    /** Tracking on, redirected to this very connection, then subscribed; the cache serves from here on. */
    private void subscribe(TrackingConnection c) throws IOException {
        long since = System.nanoTime();
        Supplier<RedisCredentials> credentials = config.getCredentialsProvider();
        RedisCredentials login = credentials != null ? credentials.get() : null;
        if (login != null && login.getPassword() != null) {
            String password = new String(login.getPassword());
            if (login.getUser() != null) {
                c.call("AUTH", login.getUser(), password);
            } else {
                c.call("AUTH", password);
            }
        }
        c.call("CLIENT", "SETNAME", "server-sessions-invalidations");
        List<?> role = (List<?>) c.call("ROLE");
        String kind = new String((byte[]) role.get(0), StandardCharsets.UTF_8);
        if (!kind.equals("master")) {
            // a demoted master after a failover, before Sentinel's clients learned the new one
            throw new IllegalStateException(c.describe() + " is a " + kind + ", not the master");
        }
        String id = String.valueOf(c.call("CLIENT", "ID"));
        if (keyPrefix.isEmpty()) {
            c.call("CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST");
        } else {
            c.call("CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST", "PREFIX", keyPrefix);
        }
        c.call("SUBSCRIBE", CHANNEL);
        // from here a missed heartbeat is a lag, not a slow start
        c.timeout((int) Math.min(Integer.MAX_VALUE, lagNanos / 1_000_000));
        pings.clear();
        lastAnsweredPing = since;
        cache.renewLease(since, lagNanos);
        cache.serving(true);
    }

    /** A pub/sub message: an invalidation (keys, or null for a flush) or the answer to a heartbeat. */
    private void handle(Object reply) {
        if (!(reply instanceof List<?> parts) || parts.isEmpty() || !(parts.get(0) instanceof byte[] first)) {
            return;
        }
        String kind = new String(first, StandardCharsets.UTF_8);
        if (kind.equals("message") && parts.size() == 3) {
            Object keys = parts.get(2);
            if (keys instanceof List<?> list) {
                for (Object key : list) {
                    cache.invalidate(new String((byte[]) key, StandardCharsets.UTF_8));
                }
            } else {
                cache.flush(); // FLUSHALL or FLUSHDB
            }
        } else if (kind.equals("pong")) {
            Long sent = pings.poll();
            if (sent != null) {
                lastAnsweredPing = sent;
                cache.renewLease(sent, lagNanos);
            }
        }
    }

    private void beat() {
        while (!closed) {
            sleep(HEARTBEAT.toMillis());
            TrackingConnection c = connection;
            if (c == null || !cache.isServing()) {
                continue;
            }
            long now = System.nanoTime();
            if (now - lastAnsweredPing > lagNanos) {
                LOG.warning("Redis near cache: " + description + " answered no heartbeat for "
                        + (now - lastAnsweredPing) / 1_000_000 + " ms; reconnecting, every read goes to Redis meanwhile");
                cache.serving(false);
                c.close();
                continue;
            }
            try {
                pings.add(now);
                c.send("PING");
            } catch (IOException e) {
                cache.serving(false);
                c.close(); // the listening thread sees it too and reconnects
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        cache.serving(false);
        TrackingConnection c = connection;
        if (c != null) {
            c.close();
        }
        heartbeat.interrupt();
        reader.interrupt();
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            if (!closed) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One socket to Redis, made as Jedis makes its own (TLS, timeouts), speaking just enough
     * RESP2 for a subscriber. Jedis's own connection cannot be used: its reader holds the bytes
     * it buffered where {@link #behind()} cannot see them.
     */
    private static final class TrackingConnection {
        private static final int MAX_BULK = 64 * 1024 * 1024;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        /** Set while the listening thread waits with nothing unprocessed; read by request threads. */
        private volatile boolean idle;

        TrackingConnection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        String describe() {
            return String.valueOf(socket.getRemoteSocketAddress());
        }

        void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        boolean behind() {
            try {
                return !idle || in.available() > 0;
            } catch (IOException e) {
                return true;
            }
        }

        /** Blocks until Redis sends something, reading one byte: the rest stays visible to {@link #behind()}. */
        void awaitData() throws IOException {
            if (position < limit) {
                return;
            }
            position = 0;
            limit = 0;
            idle = true;
            int n;
            try {
                n = in.read(buffer, 0, 1);
            } finally {
                idle = false;
            }
            if (n < 0) {
                throw new EOFException("Redis closed the connection");
            }
            limit = n;
        }

        /** A command and its reply, before subscribing. */
        Object call(String... args) throws IOException {
            send(args);
            return read();
        }

        synchronized void send(String... args) throws IOException {
            ByteArrayOutputStream command = new ByteArrayOutputStream();
            command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                command.writeBytes(bytes);
                command.writeBytes(CRLF);
            }
            out.write(command.toByteArray());
            out.flush();
        }

        /** One RESP2 reply: String, Long, byte[], List or null; an error reply is thrown. */
        Object read() throws IOException {
            int type = next();
            String line = line();
            switch (type) {
                case '+':
                    return line;
                case '-':
                    throw new IOException("Redis answered " + line);
                case ':':
                    return Long.parseLong(line);
                case '$': {
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        return null;
                    }
                    if (length > MAX_BULK) {
                        throw new IOException("a bulk reply of " + length + " bytes");
                    }
                    byte[] bytes = new byte[length];
                    for (int i = 0; i < length; i++) {
                        bytes[i] = (byte) next();
                    }
                    next();
                    next(); // CRLF
                    return bytes;
                }
                case '*': {
                    int count = Integer.parseInt(line);
                    if (count < 0) {
                        return null;
                    }
                    List<Object> items = new ArrayList<>(Math.min(count, 1024));
                    for (int i = 0; i < count; i++) {
                        items.add(read());
                    }
                    return items;
                }
                default:
                    throw new IOException("not a RESP2 reply: " + (char) type);
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = next(); b != '\r'; b = next()) {
                line.append((char) b);
            }
            next(); // \n
            return line.toString();
        }

        private int next() throws IOException {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    throw new EOFException("Redis closed the connection");
                }
                position = 0;
                limit = n;
            }
            return buffer[position++] & 0xff;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed either way
            }
        }
    }
}

package dev.serversessions.internal.backend.memcached;

import dev.serversessions.api.SessionStoreUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.protocol.binary.BinaryMemcachedNodeImpl;

/**
 * The backend's spymemcached client, and how one backend call talks to it: all its commands
 * share one deadline, {@code SESSION_MEMCACHED_TIMEOUT_MS}, and whatever keeps memcached from
 * answering in time becomes {@link SessionStoreUnavailableException}.
 */
final class Memcached implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Memcached.class.getName());

    private final ClientSource source;
    private final boolean ownsClient;
    private final String description;
    private final Duration timeout;
    private volatile MemcachedClient client;
    private volatile boolean closed;

    private Memcached(ClientSource source, MemcachedClient client, boolean ownsClient, String description, Duration timeout) {
        this.source = source;
        this.client = client;
        this.ownsClient = ownsClient;
        this.description = description;
        this.timeout = timeout;
    }

    /**
     * A client of our own, closed with the backend. It is built now if it can be (it connects
     * in the background and reconnects by itself); if even that fails, for instance because a
     * host name does not resolve yet, each call tries again.
     */
    static Memcached ownClient(MemcachedSettings settings) {
        SpyLogger.install();
        ClientSource source = () -> new MemcachedClient(new SessionConnectionFactory(settings.timeout()),
                settings.nodes().stream().map(n -> new InetSocketAddress(n.host(), n.port())).toList());
        MemcachedClient client = null;
        try {
            client = source.open();
            awaitConnections(client, settings);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "memcached " + settings.nodes() + " cannot be reached yet (" + e
                    + "); session requests get 503 until it can", e);
        }
        String nodes = settings.nodes().stream().map(Object::toString).collect(Collectors.joining(","));
        return new Memcached(source, client, true, "memcached " + nodes, settings.timeout());
    }

    /**
     * The application's client, used as it is and never shut down; its own failure mode and
     * timeouts apply, bounded by {@code SESSION_MEMCACHED_TIMEOUT_MS}.
     *
     * @throws IllegalStateException if the client speaks the text protocol, for which
     *                               spymemcached has no get-and-touch and no delete-if-unchanged
     */
    static Memcached applicationClient(MemcachedClient client, MemcachedSettings settings) {
        SpyLogger.adopt(client);
        Collection<MemcachedNode> nodes = client.getConnection().getLocator().getAll();
        if (!nodes.stream().allMatch(BinaryMemcachedNodeImpl.class::isInstance)) {
            throw new IllegalStateException("The application's @Backend(MEMCACHED) MemcachedClient speaks memcached's text protocol;"
                    + " server sessions need the binary protocol: build the client with"
                    + " new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)");
        }
        String addresses = nodes.stream().map(n -> address(n.getSocketAddress())).collect(Collectors.joining(","));
        return new Memcached(null, client, false, "memcached " + addresses + " (the application's MemcachedClient)",
                settings.timeout());
    }

    /** Kind and addresses, for logs and errors. */
    String describe() {
        return description;
    }

    /**
     * Runs one backend call under one deadline. If a node's connection dropped while the call's
     * command was on the wire (the node just died, or an idle connection had gone stale),
     * spymemcached cancels the command and sends later ones to the next live node; every
     * backend call is safe to repeat, so it runs once more, within the same deadline.
     */
    <T> T call(Function<Call, T> action) {
        Call call = new Call(System.nanoTime() + timeout.toNanos());
        try {
            return action.apply(call);
        } catch (ConnectionDropped first) {
            try {
                return action.apply(call);
            } catch (ConnectionDropped again) {
                throw unavailable(again.getCause());
            }
        }
    }

    SessionStoreUnavailableException unavailable(Throwable cause) {
        return new SessionStoreUnavailableException(description, cause);
    }

    @Override
    public void close() {
        closed = true;
        MemcachedClient own = client;
        if (ownsClient && own != null) {
            own.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private MemcachedClient client() {
        if (closed) {
            throw unavailable(new IllegalStateException("the session backend is closed"));
        }
        MemcachedClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    try {
                        client = source.open();
                    } catch (IOException | RuntimeException e) {
                        throw unavailable(e);
                    }
                }
                current = client;
            }
        }
        return current;
    }

    /**
     * Gives the connections, which open in the background, up to the timeout to come up, so
     * that the first request does not find every node still connecting. A node that is down
     * costs this wait once.
     */
    private static void awaitConnections(MemcachedClient client, MemcachedSettings settings) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (client.getAvailableServers().size() < settings.nodes().size() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    /** The commands of one backend call, and their shared deadline. */
    final class Call {
        private final long deadlineNanos;

        private Call(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Hands a command to spymemcached without waiting for its answer, so that several can
         * travel together; spymemcached refuses commands when shut down or when its queue stays
         * full.
         */
        <F extends Future<?>> F send(Function<MemcachedClient, F> command) {
            MemcachedClient memcached = client();
            try {
                return command.apply(memcached);
            } catch (IllegalStateException e) {
                throw unavailable(e);
            }
        }

        /**
         * A jittered pause before another CAS attempt, so that competing writers fall out of
         * step; never past the deadline.
         */
        void pauseBeforeRetry(int attempt) {
            long millis = ThreadLocalRandom.current().nextLong(1 + Math.min(attempt, 8));
            if (millis > 0 && remainingMillis() > millis) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Waits for a command's answer, at most until the deadline. */
        <T> T await(Future<T> answer) {
            try {
                return answer.get(remainingMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(e);
            } catch (TimeoutException e) {
                throw unavailable(e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CancellationException cancelled) {
                    throw new ConnectionDropped(cancelled);
                }
                throw unavailable(e.getCause());
            } catch (CancellationException e) {
                throw new ConnectionDropped(e);
            } catch (RuntimeException e) {
                throw unavailable(e);
            }
        }

        /** Sends a command and waits for its answer. */
        <T> T run(Function<MemcachedClient, ? extends Future<T>> command) {
            return await(send(command));
        }

        /** memcached answered, but refused what the command asked (it did not say "exists" or "not found"). */
        SessionStoreUnavailableException refused(OperationFuture<?> command) {
            return unavailable(new IllegalStateException("memcached refused the command: " + command.getStatus()));
        }

        long remainingMillis() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        }
    }

    /** How our own client is built. */
    @FunctionalInterface
    private interface ClientSource {
        MemcachedClient open() throws IOException;
    }

    /** A command was cancelled because its node's connection dropped. */
    private static final class ConnectionDropped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionDropped(CancellationException cause) {
            super(cause);
        }
    }
}

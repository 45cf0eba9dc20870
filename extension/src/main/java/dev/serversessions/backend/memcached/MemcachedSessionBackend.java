package dev.serversessions.backend.memcached;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.session.SessionIds;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryMemcachedNodeImpl;

/**
 * One memcached item per session under {@code SESSION_KEY_PREFIX + id}, holding a
 * {@link SessionItem}: creation time, expiry and every attribute.
 *
 * <p>Writes merge the request's changes into the stored item with gets/CAS and try again when
 * another request changed the item in between, so concurrent requests that change different
 * attributes both survive. A sliding read is get-and-touch plus an appended expiry record, one
 * round trip. memcached expires items itself; the stored expiry is also checked at every read.
 *
 * <p>Every call waits at most {@code SESSION_MEMCACHED_TIMEOUT_MS} in all; whatever keeps
 * memcached from answering in time becomes {@link SessionStoreUnavailableException}. A node that
 * died is not such a failure: its connection drops, spymemcached sends its share of keys to the
 * next live node, and the sessions that lived on it are simply not found (see
 * {@link SessionConnectionFactory}).
 */
final class MemcachedSessionBackend implements SessionBackend {
    private static final Logger LOG = Logger.getLogger(MemcachedSessionBackend.class.getName());
    /** A save that loses the CAS race this often in a row gives up (the deadline usually comes first). */
    static final int MAX_WRITE_ATTEMPTS = 100;
    /** Expiry records after which a sliding read rewrites the item compactly. */
    static final int COMPACT_AFTER_SLIDES = 64;
    /** memcached's per-item overhead besides key and value (item header, CAS, suffix), rounded up. */
    private static final int ITEM_OVERHEAD_BYTES = 96;

    private final ClientSource source;
    private final String description;
    private final String keyPrefix;
    private final MemcachedSettings settings;
    private final Clock clock;
    private final boolean ownsClient;
    private volatile MemcachedClient client;
    private volatile boolean closed;

    private MemcachedSessionBackend(ClientSource source, MemcachedClient client, boolean ownsClient,
            String description, MemcachedSettings settings, String keyPrefix, Clock clock) {
        this.source = source;
        this.description = description;
        this.client = client;
        this.ownsClient = ownsClient;
        this.settings = settings;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
    }

    /**
     * A backend with a client of its own, which it closes. The client is built now if it can
     * be (it connects in the background and reconnects by itself); if even that fails, for
     * instance because a host name does not resolve yet, each call tries again.
     */
    static MemcachedSessionBackend withOwnClient(MemcachedSettings settings, String keyPrefix, Clock clock) {
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
        return new MemcachedSessionBackend(source, client, true, "memcached " + nodes, settings, keyPrefix, clock);
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

    /**
     * A backend on the application's client, which it uses as it is and never shuts down. Its
     * own failure mode and timeouts apply, bounded by {@code SESSION_MEMCACHED_TIMEOUT_MS}.
     *
     * @throws IllegalStateException if the client speaks the text protocol, which spymemcached
     *                               offers no get-and-touch and no delete-if-unchanged for
     */
    static MemcachedSessionBackend withApplicationClient(MemcachedClient client, MemcachedSettings settings,
            String keyPrefix, Clock clock) {
        Collection<MemcachedNode> nodes = client.getConnection().getLocator().getAll();
        if (!nodes.stream().allMatch(BinaryMemcachedNodeImpl.class::isInstance)) {
            throw new IllegalStateException("The application's @Backend(MEMCACHED) MemcachedClient speaks memcached's text protocol;"
                    + " server sessions need the binary protocol: build the client with"
                    + " new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)");
        }
        String addresses = nodes.stream().map(n -> address(n.getSocketAddress())).collect(Collectors.joining(","));
        return new MemcachedSessionBackend(null, client, false, "memcached " + addresses + " (the application's MemcachedClient)",
                settings, keyPrefix, clock);
    }

    @Override
    public Optional<StoredSession> load(String id, Instant slideExpiryTo) {
        String key = key(id);
        return call(deadline -> {
            MemcachedClient memcached = client();
            Instant now = clock.instant();
            byte[] value;
            if (slideExpiryTo == null) {
                value = await(send(() -> memcached.asyncGet(key, RawBytes.INSTANCE)), deadline);
            } else {
                // Sent together, down the one connection to the item's node, and run by memcached
                // in this order: one round trip. The append never creates an item.
                Future<CASValue<byte[]>> read = send(() -> memcached.asyncGetAndTouch(key, Exptime.of(slideExpiryTo, now), RawBytes.INSTANCE));
                Future<Boolean> record = send(() -> memcached.append(key, SessionItem.expiryRecord(slideExpiryTo), RawBytes.INSTANCE));
                CASValue<byte[]> found = await(read, deadline);
                await(record, deadline);
                value = found == null ? null : found.getValue();
            }
            Optional<SessionItem> item = value == null ? Optional.empty() : parse(id, value);
            if (item.isEmpty()) {
                return Optional.<StoredSession>empty();
            }
            if (!item.get().isLiveAt(now)) {
                if (slideExpiryTo != null) {
                    // memcached kept it a moment longer than its expiry, and the touch just
                    // extended that: drop it, or the next read would find it alive again.
                    await(send(() -> memcached.delete(key)), deadline);
                }
                return Optional.<StoredSession>empty();
            }
            Instant expires = item.get().expires();
            if (slideExpiryTo != null) {
                expires = slideExpiryTo;
                if (item.get().slides() >= COMPACT_AFTER_SLIDES) {
                    compact(memcached, id, key, deadline);
                }
            }
            return Optional.of(new StoredSession(item.get().attributes(), item.get().created(), expires));
        });
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        String key = key(id);
        return call(deadline -> {
            MemcachedClient memcached = client();
            SessionItem fresh = SessionItem.create(changes);
            if (changes.isNew() && add(memcached, id, key, fresh, deadline)) {
                return true; // the usual first save: one round trip
            }
            // Not new, or an earlier attempt of this save already created it: merge into what is there.
            return rewrite(memcached, id, key, changes.isNew() ? fresh : null, item -> item.merge(changes), deadline);
        });
    }

    @Override
    public void delete(String id) {
        String key = key(id);
        call(deadline -> await(send(() -> client().delete(key)), deadline));
    }

    @Override
    public boolean touch(String id, Instant expires) {
        String key = key(id);
        return call(deadline -> rewrite(client(), id, key, null, item -> item.expiringAt(expires), deadline));
    }

    /**
     * memcached cannot rename: the item is copied to the new key, then the old key is deleted
     * only if nobody changed it since it was copied (delete with CAS); otherwise it is copied
     * again. If the old item vanished meanwhile (another request invalidated the session), the
     * copy is deleted too and the answer is false.
     */
    @Override
    public boolean changeId(String oldId, String newId) {
        String from = key(oldId);
        String to = key(newId);
        return call(deadline -> {
            MemcachedClient memcached = client();
            boolean copied = false;
            for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
                CASValue<byte[]> current = await(send(() -> memcached.asyncGets(from, RawBytes.INSTANCE)), deadline);
                Optional<SessionItem> live = liveItem(oldId, current);
                if (live.isEmpty()) {
                    if (copied) {
                        await(send(() -> memcached.delete(to)), deadline);
                    }
                    return false;
                }
                SessionItem item = live.get().compacted();
                byte[] bytes = sized(newId, to, item);
                OperationFuture<Boolean> stored = send(() -> memcached.set(to, Exptime.of(item.expires(), clock.instant()), bytes, RawBytes.INSTANCE));
                if (!await(stored, deadline)) {
                    throw refused(stored);
                }
                copied = true;
                OperationFuture<Boolean> removed = send(() -> memcached.delete(from, current.getCas()));
                if (await(removed, deadline)) {
                    return true;
                }
                if (removed.getStatus().getStatusCode() != StatusCode.ERR_EXISTS) {
                    continue; // gone meanwhile: the next round finds it missing and removes the copy
                }
                pause(attempt, deadline);
            }
            throw contention(oldId);
        });
    }

    @Override
    public int purgeExpired() {
        return 0; // memcached expires items itself
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        closed = true;
        MemcachedClient own = client;
        if (ownsClient && own != null) {
            own.shutdown(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code SESSION_KEY_PREFIX + id}, checked against memcached's rules for keys. */
    String key(String id) {
        String key = keyPrefix + id;
        if (key.getBytes(StandardCharsets.UTF_8).length > MemcachedSettings.MAX_KEY_BYTES
                || key.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("not a valid memcached key (at most 250 bytes, no spaces or control characters): "
                    + keyPrefix + SessionIds.logTag(id));
        }
        return key;
    }

    /**
     * Writes {@code change} of the live item with gets/CAS, trying again while other requests
     * change the item in between.
     *
     * @param whenAbsent what to write if there is no live item, or null to leave it absent and
     *                   answer false (a change must never resurrect a vanished session)
     */
    private boolean rewrite(MemcachedClient memcached, String id, String key, SessionItem whenAbsent,
            UnaryOperator<SessionItem> change, Deadline deadline) {
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            CASValue<byte[]> current = await(send(() -> memcached.asyncGets(key, RawBytes.INSTANCE)), deadline);
            Optional<SessionItem> live = liveItem(id, current);
            if (live.isEmpty() && whenAbsent == null) {
                return false;
            }
            SessionItem next = live.map(change).orElse(whenAbsent);
            if (current == null) {
                if (add(memcached, id, key, next, deadline)) {
                    return true;
                }
            } else {
                CASResponse response = cas(memcached, id, key, current.getCas(), next, deadline);
                if (response == CASResponse.OK) {
                    return true;
                }
                if (response == CASResponse.NOT_FOUND && whenAbsent == null) {
                    return false; // deleted between our read and our write
                }
            }
            pause(attempt, deadline);
        }
        throw contention(id);
    }

    /** Folds a read-heavy item's expiry records into its header; a lost race is left to the next read or write. */
    private void compact(MemcachedClient memcached, String id, String key, Deadline deadline) {
        CASValue<byte[]> current = await(send(() -> memcached.asyncGets(key, RawBytes.INSTANCE)), deadline);
        Optional<SessionItem> live = liveItem(id, current);
        if (live.isPresent()) {
            cas(memcached, id, key, current.getCas(), live.get().compacted(), deadline);
        }
    }

    private boolean add(MemcachedClient memcached, String id, String key, SessionItem item, Deadline deadline) {
        byte[] bytes = sized(id, key, item);
        OperationFuture<Boolean> added = send(() -> memcached.add(key, Exptime.of(item.expires(), clock.instant()), bytes, RawBytes.INSTANCE));
        if (await(added, deadline)) {
            return true;
        }
        StatusCode code = added.getStatus().getStatusCode();
        if (code == StatusCode.ERR_EXISTS || code == StatusCode.ERR_NOT_STORED) {
            return false;
        }
        throw refused(added);
    }

    private CASResponse cas(MemcachedClient memcached, String id, String key, long cas, SessionItem item, Deadline deadline) {
        byte[] bytes = sized(id, key, item);
        OperationFuture<CASResponse> written = send(() -> memcached.asyncCAS(key, cas, Exptime.of(item.expires(), clock.instant()),
                bytes, RawBytes.INSTANCE));
        CASResponse response = await(written, deadline);
        if (response == CASResponse.OK || response == CASResponse.EXISTS || response == CASResponse.NOT_FOUND) {
            return response;
        }
        throw refused(written);
    }

    /**
     * The item's bytes, refused here if memcached would refuse them: spymemcached answers a
     * too-large item by dropping the whole connection, failing other requests' commands too.
     */
    private byte[] sized(String id, String key, SessionItem item) {
        byte[] bytes = item.toBytes();
        long total = (long) bytes.length + key.length() + ITEM_OVERHEAD_BYTES;
        if (total > settings.maxItemBytes()) {
            throw new IllegalStateException("Session " + SessionIds.logTag(id) + " needs a memcached item of about " + total
                    + " bytes, over the limit of " + settings.maxItemBytes() + " (" + MemcachedSettings.MAX_ITEM_BYTES
                    + ", memcached -I): store less in the session, or raise both limits");
        }
        return bytes;
    }

    private Optional<SessionItem> liveItem(String id, CASValue<byte[]> stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return parse(id, stored.getValue()).filter(item -> item.isLiveAt(now));
    }

    private static Optional<SessionItem> parse(String id, byte[] value) {
        try {
            return Optional.of(SessionItem.parse(value));
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "Session " + SessionIds.logTag(id) + " in memcached is not a server session item ("
                    + e.getMessage() + "); it is treated as no session");
            return Optional.empty();
        }
    }

    /** Jittered pause before another CAS attempt, so that competing writers fall out of step. */
    private static void pause(int attempt, Deadline deadline) {
        long millis = ThreadLocalRandom.current().nextLong(1 + Math.min(attempt, 8));
        if (millis > 0 && deadline.remainingMillis() > millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs one backend call under one deadline. If a node's connection dropped while the call's
     * command was on the wire (the node just died, or an idle connection had gone stale),
     * spymemcached cancels the command and sends later ones to the next live node; every call
     * here is safe to repeat, so it runs once more, within the same deadline.
     */
    private <T> T call(Function<Deadline, T> action) {
        Deadline deadline = Deadline.after(settings.timeout());
        try {
            return action.apply(deadline);
        } catch (ConnectionDropped first) {
            try {
                return action.apply(deadline);
            } catch (ConnectionDropped again) {
                throw unavailable(again.getCause());
            }
        }
    }

    /** Hands a command to spymemcached, which refuses it when shut down or when its queue stays full. */
    private <F> F send(Supplier<F> command) {
        try {
            return command.get();
        } catch (IllegalStateException e) {
            throw unavailable(e);
        }
    }

    private <T> T await(Future<T> answer, Deadline deadline) {
        try {
            return answer.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
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

    private SessionStoreUnavailableException unavailable(Throwable cause) {
        return new SessionStoreUnavailableException(describe(), cause);
    }

    private SessionStoreUnavailableException refused(OperationFuture<?> command) {
        return unavailable(new IllegalStateException("memcached refused the command: " + command.getStatus()));
    }

    private SessionStoreUnavailableException contention(String id) {
        return unavailable(new IllegalStateException("session " + SessionIds.logTag(id) + " kept being changed by other requests; gave up after "
                + MAX_WRITE_ATTEMPTS + " attempts"));
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    /** How the backend's own client is built. */
    @FunctionalInterface
    interface ClientSource {
        MemcachedClient open() throws IOException;
    }

    /** The end of one backend call's time. */
    private record Deadline(long nanos) {
        static Deadline after(Duration timeout) {
            return new Deadline(System.nanoTime() + timeout.toNanos());
        }

        long remainingMillis() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos - System.nanoTime()));
        }
    }

    /** A command was cancelled because its node's connection dropped. */
    private static final class ConnectionDropped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionDropped(CancellationException cause) {
            super(cause);
        }
    }
}

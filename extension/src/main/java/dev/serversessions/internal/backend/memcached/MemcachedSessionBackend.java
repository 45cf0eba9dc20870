package dev.serversessions.internal.backend.memcached;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.memcached.Memcached.Call;
import dev.serversessions.internal.session.SessionIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.StatusCode;

/**
 * One memcached item per session under {@code SESSION_KEY_PREFIX + id}, holding a
 * {@link SessionItem}: creation time, expiry and every attribute.
 *
 * <p>A load is one {@code gets}, and hands the core the item and its CAS token as the
 * session's version. A write merges the request's changes into that item and stores it with
 * CAS: two round trips per request that changes a session. When another request changed the
 * item in between, the write reads it again and retries (gets/CAS), so concurrent requests that
 * change different attributes both survive. A slide is get-and-touch plus an appended expiry
 * record, one round trip. memcached expires items itself; the stored expiry is also checked at
 * every read.
 *
 * <p>A node that died is not an outage here: its connection drops, spymemcached sends its share
 * of keys to the next live node, and the sessions that lived on it are simply not found (see
 * {@link SessionConnectionFactory}). Whatever keeps memcached from answering within the
 * timeout becomes {@link SessionStoreUnavailableException} ({@link Memcached}).
 */
final class MemcachedSessionBackend implements SessionBackend {
    private static final Logger LOG = Logger.getLogger(MemcachedSessionBackend.class.getName());
    /** A save that loses the CAS race this often in a row gives up (the deadline usually comes first). */
    static final int MAX_WRITE_ATTEMPTS = 100;
    /** Expiry records after which a sliding read rewrites the item compactly. */
    static final int COMPACT_AFTER_SLIDES = 64;
    /** memcached's per-item overhead besides key and value (item header, CAS, suffix), rounded up. */
    private static final int ITEM_OVERHEAD_BYTES = 96;
    /** Key, item overhead, header (24) and up to 64 expiry records (576), rounded up. */
    private static final int ITEM_ROOM_BYTES = MemcachedSettings.MAX_KEY_BYTES + ITEM_OVERHEAD_BYTES + 24
            + COMPACT_AFTER_SLIDES * 9 + 78;

    private final Memcached memcached;
    private final String keyPrefix;
    private final int maxItemBytes;
    private final Clock clock;
    private final MemcachedOwnerIndex ownerIndex;

    private MemcachedSessionBackend(Memcached memcached, MemcachedSettings settings, String keyPrefix, Clock clock) {
        this.memcached = memcached;
        this.keyPrefix = keyPrefix;
        this.maxItemBytes = settings.maxItemBytes();
        this.clock = clock;
        this.ownerIndex = new MemcachedOwnerIndex(memcached, keyPrefix, settings.maxItemBytes(), clock);
    }

    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.of(ownerIndex);
    }

    /** The owner index, for tests that count its entries. */
    MemcachedOwnerIndex memcachedOwnerIndex() {
        return ownerIndex;
    }

    /** A backend with a client of its own (see {@link SessionConnectionFactory}), closed with it. */
    static MemcachedSessionBackend withOwnClient(MemcachedSettings settings, String keyPrefix, Clock clock) {
        return new MemcachedSessionBackend(Memcached.ownClient(settings), settings, keyPrefix, clock);
    }

    /**
     * A backend on the application's client, which it never shuts down.
     *
     * @throws IllegalStateException if the client does not speak the binary protocol
     */
    static MemcachedSessionBackend withApplicationClient(MemcachedClient client, MemcachedSettings settings,
            String keyPrefix, Clock clock) {
        return new MemcachedSessionBackend(Memcached.applicationClient(client, settings), settings, keyPrefix, clock);
    }

    /** The version a load hands the core: the item as read and memcached's CAS token for it. */
    private record Loaded(long cas, SessionItem item) {
    }

    @Override
    public Optional<StoredSession> load(String id) {
        String key = key(id);
        return memcached.call(call -> {
            Instant now = clock.instant();
            CASValue<byte[]> found = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
            if (found == null) {
                return Optional.<StoredSession>empty();
            }
            SessionItem item = parseOrThrow(found.getValue());
            if (!item.isLiveAt(now)) {
                return Optional.<StoredSession>empty(); // memcached keeps items to the second; we do not
            }
            return Optional.of(new StoredSession(item.attributes(), item.created(), item.expires(),
                    new Loaded(found.getCas(), item)));
        });
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        String key = key(id);
        return memcached.call(call -> {
            SessionItem fresh = SessionItem.create(changes);
            if (changes.isNew() && add(call, id, key, fresh)) {
                return true; // the usual first save: one round trip
            }
            if (!changes.isNew() && changes.version() instanceof Loaded loaded && loaded.item().isLiveAt(clock.instant())) {
                // The item the request loaded, if nobody changed it since: no second read.
                CASResponse response = cas(call, id, key, loaded.cas(), loaded.item().merge(changes));
                if (response == CASResponse.OK) {
                    return true;
                }
                if (response == CASResponse.NOT_FOUND) {
                    return false; // deleted since the load: a change must not resurrect it
                }
                // EXISTS: changed since the load; merge into what is there now
            }
            // Not new, or an earlier attempt of this save already created it: merge into what is there.
            return rewrite(call, id, key, changes.isNew() ? fresh : null, item -> item.merge(changes));
        });
    }

    /**
     * An item of its own beside the session's, taken with {@code add} (which stores only if the
     * key is free) and memcached's expiry as the lease, whole seconds; one round trip when free.
     * A refused add reads the holder once more: its own token (a renewal, or a retry after a
     * dropped connection that finds its first attempt) stores the item again with the new expiry,
     * compare-and-set, so a lock taken over in between stays its new holder's.
     */
    @Override
    public boolean tryLock(String id, String token, Duration lease) {
        String key = lockKey(id);
        byte[] value = token.getBytes(StandardCharsets.UTF_8);
        int exptime = (int) Math.max(1, Math.min(lease.toSeconds(), Exptime.MAX_RELATIVE_SECONDS));
        return memcached.call(call -> {
            OperationFuture<Boolean> added = call.send(client -> client.add(key, exptime, value, RawBytes.INSTANCE));
            if (call.await(added)) {
                return true;
            }
            // held: by this token, the lease is renewed (set again with the new expiry, only if
            // nobody changed the item since it was read); by another, refused
            CASValue<byte[]> holder = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
            if (holder == null || !java.util.Arrays.equals(holder.getValue(), value)) {
                return false;
            }
            return call.run(client -> client.asyncCAS(key, holder.getCas(), exptime, value, RawBytes.INSTANCE)) == CASResponse.OK;
        });
    }

    /** Deletes the lock item with the CAS token it was read with, so a lock taken over meanwhile stays. */
    @Override
    public boolean unlock(String id, String token) {
        String key = lockKey(id);
        byte[] value = token.getBytes(StandardCharsets.UTF_8);
        return memcached.call(call -> {
            CASValue<byte[]> holder = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
            if (holder == null || !java.util.Arrays.equals(holder.getValue(), value)) {
                return false;
            }
            return call.run(client -> client.delete(key, holder.getCas()));
        });
    }

    /** The session's key with {@code .lock} appended (ids never contain a dot), under the same key rules. */
    String lockKey(String id) {
        return key(id + ".lock");
    }

    @Override
    public void delete(String id) {
        String key = key(id);
        memcached.call(call -> call.run(client -> client.delete(key)));
    }

    /**
     * Get-and-touch moves memcached's TTL but cannot change the value, so an expiry record is
     * appended in the same round trip (both go down the one connection to the item's node, run
     * in this order; an append never creates an item). The value comes back with the touch, so
     * an item that has gathered many records is compacted here, rarely: slides are coalesced.
     */
    @Override
    public boolean touch(String id, Instant expires) {
        String key = key(id);
        return memcached.call(call -> {
            Instant now = clock.instant();
            Future<CASValue<byte[]>> read = call.send(client -> client.asyncGetAndTouch(key, Exptime.of(expires, now), RawBytes.INSTANCE));
            Future<Boolean> record = call.send(client -> client.append(key, SessionItem.expiryRecord(expires), RawBytes.INSTANCE));
            CASValue<byte[]> found = call.await(read);
            call.await(record);
            Optional<SessionItem> item = found == null ? Optional.empty() : parse(id, found.getValue());
            if (item.isEmpty()) {
                return false;
            }
            if (!item.get().isLiveAt(now)) {
                // memcached kept it a moment longer than its expiry, and the touch just extended
                // that: drop it, or the next read would find it alive again
                call.run(client -> client.delete(key));
                return false;
            }
            if (item.get().slides() + 1 >= COMPACT_AFTER_SLIDES) {
                compact(call, id, key);
            }
            return true;
        });
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
        return memcached.call(call -> {
            boolean copied = false;
            for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
                CASValue<byte[]> current = call.run(client -> client.asyncGets(from, RawBytes.INSTANCE));
                Optional<SessionItem> live = liveItem(oldId, current);
                if (live.isEmpty()) {
                    if (copied) {
                        call.run(client -> client.delete(to));
                    }
                    return false;
                }
                SessionItem item = live.get().compacted();
                byte[] bytes = sized(newId, to, item);
                OperationFuture<Boolean> stored = call.send(client -> client.set(to, Exptime.of(item.expires(), clock.instant()), bytes, RawBytes.INSTANCE));
                if (!call.await(stored)) {
                    throw call.refused(stored);
                }
                copied = true;
                OperationFuture<Boolean> removed = call.send(client -> client.delete(from, current.getCas()));
                if (call.await(removed)) {
                    return true;
                }
                if (removed.getStatus().getStatusCode() == StatusCode.ERR_EXISTS) {
                    call.pauseBeforeRetry(attempt); // changed since the copy: copy again
                }
                // otherwise gone meanwhile: the next round finds it missing and removes the copy
            }
            throw contention(oldId);
        });
    }

    /**
     * The item limit less room for what an item holds besides the attributes: the key (at
     * most 250 bytes), memcached's own item overhead, this format's header and the expiry records
     * slides append before an item is compacted. The core counts more per attribute than
     * this format's 8 bytes of lengths, so a session the core lets through always fits.
     */
    @Override
    public long maxSessionBytes() {
        return maxItemBytes - (long) ITEM_ROOM_BYTES;
    }

    @Override
    public int purgeExpired() {
        return 0; // memcached expires items itself
    }

    @Override
    public String describe() {
        return memcached.describe();
    }

    @Override
    public void close() {
        memcached.close();
    }

    /** {@code SESSION_KEY_PREFIX + id}, checked against memcached's rules for keys. */
    String key(String id) {
        String key = keyPrefix + id;
        if (key.getBytes(StandardCharsets.UTF_8).length > MemcachedSettings.MAX_KEY_BYTES
                || key.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("not a valid memcached key (at most 250 bytes, no spaces or control characters): "
                    + keyPrefix + SessionIds.privateLogTag(id));
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
    private boolean rewrite(Call call, String id, String key, SessionItem whenAbsent, UnaryOperator<SessionItem> change) {
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            CASValue<byte[]> current = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
            Optional<SessionItem> live = liveItem(id, current);
            if (live.isEmpty() && whenAbsent == null) {
                return false;
            }
            SessionItem next = live.map(change).orElse(whenAbsent);
            if (current == null) {
                if (add(call, id, key, next)) {
                    return true;
                }
            } else {
                CASResponse response = cas(call, id, key, current.getCas(), next);
                if (response == CASResponse.OK) {
                    return true;
                }
                if (response == CASResponse.NOT_FOUND && whenAbsent == null) {
                    return false; // deleted between our read and our write
                }
            }
            call.pauseBeforeRetry(attempt);
        }
        throw contention(id);
    }

    /** Folds a read-heavy item's expiry records into its header; a lost race is left to the next read or write. */
    private void compact(Call call, String id, String key) {
        CASValue<byte[]> current = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
        Optional<SessionItem> live = liveItem(id, current);
        if (live.isPresent()) {
            cas(call, id, key, current.getCas(), live.get().compacted());
        }
    }

    private boolean add(Call call, String id, String key, SessionItem item) {
        byte[] bytes = sized(id, key, item);
        OperationFuture<Boolean> added = call.send(client -> client.add(key, Exptime.of(item.expires(), clock.instant()), bytes, RawBytes.INSTANCE));
        if (call.await(added)) {
            return true;
        }
        StatusCode code = added.getStatus().getStatusCode();
        if (code == StatusCode.ERR_EXISTS || code == StatusCode.ERR_NOT_STORED) {
            return false;
        }
        throw call.refused(added);
    }

    private CASResponse cas(Call call, String id, String key, long cas, SessionItem item) {
        byte[] bytes = sized(id, key, item);
        OperationFuture<CASResponse> written = call.send(client -> client.asyncCAS(key, cas, Exptime.of(item.expires(), clock.instant()),
                bytes, RawBytes.INSTANCE));
        CASResponse response = call.await(written);
        if (response == CASResponse.OK || response == CASResponse.EXISTS || response == CASResponse.NOT_FOUND) {
            return response;
        }
        throw call.refused(written);
    }

    /**
     * The item's bytes, refused here if memcached would refuse them: spymemcached answers a
     * too-large item by dropping the whole connection, failing other requests' commands too.
     * The core's limit at put keeps one request's session within {@link #maxSessionBytes()};
     * this catches what concurrent requests add up to.
     */
    private byte[] sized(String id, String key, SessionItem item) {
        byte[] bytes = item.toBytes();
        long total = (long) bytes.length + key.length() + ITEM_OVERHEAD_BYTES;
        if (total > maxItemBytes) {
            throw new SessionTooLargeException(total, maxItemBytes, "memcached's item limit, " + MemcachedSettings.MAX_ITEM_BYTES
                    + " and memcached -I: store less in the session, or raise both limits");
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

    /**
     * An item another client stored (a plain string, another library's format or flags,
     * garbage, a truncated or lying length) is no session: reported to the core, which logs it
     * once and gives the request a session under a new id, so the item is left as it is. The
     * sliding read may have appended an expiry record and moved its TTL; nothing else is written.
     */
    private static SessionItem parseOrThrow(byte[] value) {
        try {
            return SessionItem.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedSessionException("the memcached item is not a server session item (" + e.getMessage() + ")", e);
        }
    }

    /** On the write paths a foreign item counts as no session: a change never lands in it. */
    private static Optional<SessionItem> parse(String id, byte[] value) {
        try {
            return Optional.of(SessionItem.parse(value));
        } catch (IllegalArgumentException e) {
            LOG.fine(() -> "Session " + SessionIds.privateLogTag(id) + " in memcached is not a server session item ("
                    + e.getMessage() + "); it is treated as no session");
            return Optional.empty();
        }
    }

    private SessionStoreUnavailableException contention(String id) {
        return memcached.unavailable(new IllegalStateException("session " + SessionIds.privateLogTag(id)
                + " kept being changed by other requests; gave up after " + MAX_WRITE_ATTEMPTS + " attempts"));
    }
}

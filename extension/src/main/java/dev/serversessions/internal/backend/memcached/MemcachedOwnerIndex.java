package dev.serversessions.internal.backend.memcached;

import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.internal.backend.memcached.Memcached.Call;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.internal.OperationFuture;

/**
 * One item per user at {@code SESSION_KEY_PREFIX + "owner:" + sha256(owner)}: lines of
 * {@code <untilMillis> <id>}. Every change is read, merged and written back with gets/CAS, and
 * tried again when another server changed the item in between, so concurrent logins of one user
 * lose no entry. Each write drops the entries past their time first and gives the item the
 * latest remaining time as its expiry; an item left empty is deleted.
 *
 * <p>What memcached can lose: it may evict this item (memory pressure, least recently used
 * first) or lose it with its node, like any item. The user's sessions then live on but are no
 * longer listed, not revoked by "log out everywhere" and not counted by
 * {@code SESSION_MAX_PER_USER}, until each is indexed again (its next login, or its periodic
 * re-indexing about once per lifetime). An item that would outgrow memcached's item size drops
 * its entries with the earliest times, with one log line: those sessions degrade the same way.
 */
final class MemcachedOwnerIndex implements SessionOwnerIndex {
    private static final Logger LOG = Logger.getLogger(MemcachedOwnerIndex.class.getName());
    /** Room kept free in the item for its key and memcached's own overhead. */
    private static final int ITEM_ROOM_BYTES = 512;

    private final Memcached memcached;
    private final String keyPrefix;
    private final int maxItemBytes;
    private final Clock clock;

    MemcachedOwnerIndex(Memcached memcached, String keyPrefix, int maxItemBytes, Clock clock) {
        this.memcached = memcached;
        this.keyPrefix = keyPrefix;
        this.maxItemBytes = maxItemBytes;
        this.clock = clock;
    }

    @Override
    public void add(String owner, String id, Instant until) {
        change(owner, entries -> entries.put(id, until.toEpochMilli()));
    }

    @Override
    public void remove(String owner, String id) {
        change(owner, entries -> entries.remove(id));
    }

    @Override
    public Set<String> ids(String owner) {
        String key = key(owner);
        CASValue<byte[]> stored = memcached.call(call -> call.run(client -> client.asyncGets(key, RawBytes.INSTANCE)));
        Map<String, Long> entries = stored == null ? new LinkedHashMap<>() : parse(stored.getValue());
        long now = clock.millis();
        entries.values().removeIf(until -> until <= now);
        return entries.keySet(); // pruned in the store by the next write
    }

    /** Reads, changes and writes the item back with CAS until no other writer came in between. */
    private void change(String owner, Consumer<Map<String, Long>> change) {
        String key = key(owner);
        memcached.call(call -> {
            for (int attempt = 1; attempt <= MemcachedSessionBackend.MAX_WRITE_ATTEMPTS; attempt++) {
                CASValue<byte[]> stored = call.run(client -> client.asyncGets(key, RawBytes.INSTANCE));
                Map<String, Long> entries = stored == null ? new LinkedHashMap<>() : parse(stored.getValue());
                long now = clock.millis();
                entries.values().removeIf(until -> until <= now);
                change.accept(entries);
                if (write(call, key, stored, entries, now)) {
                    return null;
                }
                call.pauseBeforeRetry(attempt);
            }
            throw memcached.unavailable(new IllegalStateException("the owner index item " + key
                    + " kept being changed by other requests; gave up after " + MemcachedSessionBackend.MAX_WRITE_ATTEMPTS + " attempts"));
        });
    }

    /** One write attempt; false if another writer won the race. */
    private boolean write(Call call, String key, CASValue<byte[]> stored, Map<String, Long> entries, long now) {
        if (entries.isEmpty()) {
            if (stored == null) {
                return true;
            }
            OperationFuture<Boolean> deleted = call.send(client -> client.delete(key, stored.getCas()));
            return call.await(deleted) || deleted.getStatus().getStatusCode() == net.spy.memcached.ops.StatusCode.ERR_NOT_FOUND;
        }
        byte[] bytes = fitting(key, entries);
        long last = entries.values().stream().mapToLong(Long::longValue).max().orElse(now);
        int exptime = Exptime.of(Instant.ofEpochMilli(last), Instant.ofEpochMilli(now));
        if (stored == null) {
            OperationFuture<Boolean> added = call.send(client -> client.add(key, exptime, bytes, RawBytes.INSTANCE));
            return call.await(added);
        }
        CASResponse response = call.run(client -> client.asyncCAS(key, stored.getCas(), exptime, bytes, RawBytes.INSTANCE));
        return response == CASResponse.OK;
    }

    /** The item's bytes; beyond memcached's item size, the entries ending first are dropped. */
    private byte[] fitting(String key, Map<String, Long> entries) {
        byte[] bytes = format(entries);
        if (bytes.length + ITEM_ROOM_BYTES <= maxItemBytes) {
            return bytes;
        }
        int before = entries.size();
        var soonestFirst = entries.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .map(Map.Entry::getKey).toList();
        int i = 0;
        while (bytes.length + ITEM_ROOM_BYTES > maxItemBytes && i < soonestFirst.size()) {
            // about one line per 60 bytes: drop in batches rather than formatting after each
            int batch = Math.max(1, (bytes.length + ITEM_ROOM_BYTES - maxItemBytes) / 60);
            for (int j = 0; j < batch && i < soonestFirst.size(); j++) {
                entries.remove(soonestFirst.get(i++));
            }
            bytes = format(entries);
        }
        int dropped = before - entries.size();
        LOG.warning(() -> "The owner index item " + key + " outgrew memcached's item size: " + dropped
                + " entries ending soonest were dropped (those sessions are no longer listed nor revoked with the others)");
        return bytes;
    }

    private static byte[] format(Map<String, Long> entries) {
        StringBuilder text = new StringBuilder(entries.size() * 60);
        entries.forEach((id, until) -> text.append(until).append(' ').append(id).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Lines this class wrote; anything else in the item (another client's bytes) is ignored. */
    private static Map<String, Long> parse(byte[] value) {
        Map<String, Long> entries = new LinkedHashMap<>();
        for (String line : new String(value, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && space < line.length() - 1) {
                try {
                    entries.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)));
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        }
        return entries;
    }

    /** How many entries the item holds, expired or not (for tests and benchmarks). */
    int size(String owner) {
        String key = key(owner);
        CASValue<byte[]> stored = memcached.call(call -> call.run(client -> client.asyncGets(key, RawBytes.INSTANCE)));
        return stored == null ? 0 : parse(stored.getValue()).size();
    }

    private String key(String owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return keyPrefix + "owner:" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.StoredSession;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sessions this server read from Redis, kept (least recently used first out) to be served again
 * without a round trip for as long as Redis's own invalidation says nothing changed them. Only
 * {@link RedisInvalidations} decides whether the cache may serve: until its connection tracks the
 * key prefix, and again from the moment it drops or lags, nothing is served and nothing is kept.
 *
 * <p>The race it must win: a load whose {@code HGETALL} reply left Redis before a write, but
 * whose invalidation this server processes before the load stores the reply, would keep the old
 * state with nothing left to evict it. So a load takes a {@link #ticket} before it asks Redis,
 * and {@link #put} keeps the reply only if no invalidation of that key (or flush) happened since:
 * a counter per stripe of keys, and one for flushes, all changed and checked under one lock.
 *
 * <p>It is bounded by session count and by bytes ({@code SESSION_REDIS_NEAR_CACHE_SIZE},
 * {@code SESSION_REDIS_NEAR_CACHE_BYTES}): sessions may each be as large as SESSION_MAX_SIZE, so
 * the count alone would let a few thousand large ones take the heap. Least recently used leave
 * first until both hold; a session larger than the whole byte bound is not kept at all.
 */
final class RedisNearCache implements dev.serversessions.internal.backend.NearCacheCounts {
    private static final int STRIPES = 1024;
    /** A ticket that no put accepts: taken while the cache is not serving. */
    static final long NOT_SERVING = -1;

    /** What one kept attribute costs beside its bytes: its name's String, the array's header, a map node. */
    static final int ATTRIBUTE_OVERHEAD = 96;
    /** What one kept session costs beside its attributes: its key, the StoredSession, its map, the LRU node. */
    static final int SESSION_OVERHEAD = 256;

    private final int capacity;
    private final long maxBytes;
    private final Map<String, StoredSession> entries;
    /** {@link #weight} of everything in {@link #entries}. */
    private long bytes;
    private final long[] stripeEpochs = new long[STRIPES];
    private long flushEpoch;
    private boolean serving;
    /** Until when (System.nanoTime) the invalidation connection is known to be in step. */
    private volatile long leaseEnd;
    /** Every invalidation Redis sent before this moment (System.nanoTime) has been processed. */
    private volatile long inStepAt;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypassed = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder drops = new LongAdder();

    RedisNearCache(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The heap a kept session takes, about: its bytes, two bytes a character of its names, and overheads. */
    static long weight(String key, StoredSession session) {
        long weight = SESSION_OVERHEAD + 2L * key.length();
        for (Map.Entry<String, byte[]> attribute : session.attributes().entrySet()) {
            weight += ATTRIBUTE_OVERHEAD + 2L * attribute.getKey().length() + attribute.getValue().length;
        }
        return weight;
    }

    /** Removes {@code key}'s entry, if any, keeping {@link #bytes} in step; true if there was one. */
    private boolean drop(String key) {
        StoredSession removed = entries.remove(key);
        if (removed == null) {
            return false;
        }
        bytes -= weight(key, removed);
        return true;
    }

    /**
     * The session at {@code key} if this server holds it, is serving and the session has not
     * expired by {@code now}; null if Redis must be asked, as when invalidations wait unprocessed
     * ({@code behind}).
     */
    StoredSession hit(String key, Instant now, boolean behind) {
        StoredSession session;
        synchronized (this) {
            if (behind || !inStep()) {
                bypassed.increment();
                return null;
            }
            session = entries.get(key);
            if (session != null && !session.expires().isAfter(now)) {
                // Redis may not have expired the key yet, or its invalidation is on the way
                drop(key);
                evictions.increment();
                session = null;
            }
        }
        (session != null ? hits : misses).increment();
        return session;
    }

    /** Serving, and the last answer to a heartbeat came in time: no invalidation is overdue. */
    private boolean inStep() {
        return serving && System.nanoTime() - leaseEnd < 0;
    }

    /** Taken before a load asks Redis; {@link #put} wants it back. */
    synchronized long ticket(String key) {
        return inStep() ? flushEpoch + stripeEpochs[stripe(key)] : NOT_SERVING;
    }

    /** Keeps what a load read, unless {@code key} was invalidated (or all flushed) since its ticket. */
    synchronized void put(String key, long ticket, StoredSession session) {
        if (inStep() && ticket != NOT_SERVING && ticket == flushEpoch + stripeEpochs[stripe(key)]) {
            drop(key);
            long weight = weight(key, session);
            if (weight > maxBytes) {
                return; // it would push out everything else and still not fit
            }
            entries.put(key, session);
            bytes += weight;
            Iterator<Map.Entry<String, StoredSession>> eldestFirst = entries.entrySet().iterator();
            while (entries.size() > capacity || bytes > maxBytes) {
                Map.Entry<String, StoredSession> eldest = eldestFirst.next();
                bytes -= weight(eldest.getKey(), eldest.getValue());
                eldestFirst.remove();
                evictions.increment();
            }
        }
    }

    /** Redis said {@code key} changed (or this server is about to change it). */
    synchronized void invalidate(String key) {
        stripeEpochs[stripe(key)]++;
        if (drop(key)) {
            evictions.increment();
        }
    }

    /** Everything may have changed (FLUSHALL, FLUSHDB). */
    synchronized void flush() {
        flushEpoch++;
        evictions.add(entries.size());
        entries.clear();
        bytes = 0;
    }

    /** The invalidation connection tracks the prefix from now on (true) or can no longer be trusted (false). */
    synchronized void serving(boolean on) {
        flush();
        if (serving && !on) {
            drops.increment();
        }
        serving = on;
    }

    /**
     * Every invalidation Redis sent before {@code sentAt} (System.nanoTime) has been processed;
     * the cache serves until {@code lag} later unless it hears again.
     */
    void renewLease(long sentAt, long lag) {
        inStepAt = sentAt;
        leaseEnd = sentAt + lag;
    }

    long inStepAt() {
        return inStepAt;
    }

    /** How often the cache stopped serving because its invalidation connection failed or lagged. */
    long drops() {
        return drops.sum();
    }

    synchronized boolean isServing() {
        return serving;
    }

    synchronized int size() {
        return entries.size();
    }

    /** {@link #weight} of the sessions kept now, at most SESSION_REDIS_NEAR_CACHE_BYTES. */
    synchronized long bytes() {
        return bytes;
    }

    /** Hits, misses (looked up while serving), bypasses (not serving) and evictions, for the log. */
    String counts() {
        return hits.sum() + " hits, " + misses.sum() + " misses, " + bypassed.sum() + " bypassed while not in step with Redis, "
                + evictions.sum() + " evictions, " + drops.sum() + " invalidation connection drops";
    }

    @Override
    public long hits() {
        return hits.sum();
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public long bypassed() {
        return bypassed.sum();
    }

    @Override
    public long evictions() {
        return evictions.sum();
    }

    @Override
    public synchronized long entries() {
        return entries.size();
    }

    private static int stripe(String key) {
        return (key.hashCode() & 0x7fffffff) % STRIPES;
    }
}

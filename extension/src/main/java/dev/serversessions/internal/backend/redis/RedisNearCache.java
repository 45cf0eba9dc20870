package dev.serversessions.internal.backend.redis;

import dev.serversessions.api.StoredSession;
import java.time.Instant;
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
 */
final class RedisNearCache implements dev.serversessions.internal.backend.NearCacheCounts {
    private static final int STRIPES = 1024;
    /** A ticket that no put accepts: taken while the cache is not serving. */
    static final long NOT_SERVING = -1;

    private final int capacity;
    private final Map<String, StoredSession> entries;
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

    RedisNearCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredSession> eldest) {
                if (size() > RedisNearCache.this.capacity) {
                    evictions.increment();
                    return true;
                }
                return false;
            }
        };
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
                entries.remove(key);
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
            entries.put(key, session);
        }
    }

    /** Redis said {@code key} changed (or this server is about to change it). */
    synchronized void invalidate(String key) {
        stripeEpochs[stripe(key)]++;
        if (entries.remove(key) != null) {
            evictions.increment();
        }
    }

    /** Everything may have changed (FLUSHALL, FLUSHDB). */
    synchronized void flush() {
        flushEpoch++;
        evictions.add(entries.size());
        entries.clear();
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

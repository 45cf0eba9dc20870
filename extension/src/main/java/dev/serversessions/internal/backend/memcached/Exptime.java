package dev.serversessions.internal.backend.memcached;

import java.time.Duration;
import java.time.Instant;

/**
 * memcached's {@code exptime} for an expiry instant.
 *
 * <p>memcached reads an exptime up to 30 days (2592000 s) as seconds from now and anything
 * larger as an absolute Unix time, and 0 as "never". So up to 30 days this sends relative
 * seconds (immune to clock skew between this server and memcached), beyond that the absolute
 * time: the 31-day default lifetime sent as 2678400 "seconds from now" would be a date in
 * January 1970, and memcached would drop the item at once.
 */
final class Exptime {
    /** The largest exptime memcached reads as relative. */
    static final long MAX_RELATIVE_SECONDS = 30L * 24 * 60 * 60;

    private Exptime() {
    }

    /**
     * The exptime that keeps an item at least until {@code expires}: rounded up, plus one
     * second because memcached's clock ticks in whole seconds and an item can expire up to a
     * second early. Reads check the exact expiry stored in the item, so the extra second never
     * shows. Never 0: an expiry in the past still gets 1.
     */
    static int of(Instant expires, Instant now) {
        long millis = Duration.between(now, expires).toMillis();
        long seconds = Math.max(1, Math.floorDiv(millis + 999, 1000) + 1);
        if (seconds <= MAX_RELATIVE_SECONDS) {
            return (int) seconds;
        }
        long absolute = Math.floorDiv(expires.toEpochMilli() + 999, 1000) + 1;
        return (int) Math.min(absolute, Integer.MAX_VALUE);
    }
}

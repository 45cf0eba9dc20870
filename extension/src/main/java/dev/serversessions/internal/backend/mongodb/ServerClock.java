package dev.serversessions.internal.backend.mongodb;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The MongoDB server's clock, for lock leases: this server's clock plus the offset to the
 * database's {@code localTime} (the {@code isMaster} reply, which every user may ask for),
 * measured at the first use and again every minute. Servers whose own clocks disagree then agree
 * on when a lease runs out, to within the round trip of a measurement.
 */
final class ServerClock {
    private static final long MEASURE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Clock clock;
    private final Supplier<Date> serverTime;
    private volatile long offsetMillis;
    private volatile long measuredAtNanos;
    private volatile boolean measured;

    ServerClock(Clock clock, Supplier<Date> serverTime) {
        this.clock = clock;
        this.serverTime = serverTime;
    }

    Instant now() {
        if (!measured || System.nanoTime() - measuredAtNanos > MEASURE_EVERY_NANOS) {
            measure();
        }
        return clock.instant().plusMillis(offsetMillis);
    }

    private synchronized void measure() {
        if (measured && System.nanoTime() - measuredAtNanos <= MEASURE_EVERY_NANOS) {
            return; // another request measured meanwhile
        }
        long before = clock.millis();
        Date server = serverTime.get();
        long after = clock.millis();
        offsetMillis = server.getTime() - (before + after) / 2;
        measuredAtNanos = System.nanoTime();
        measured = true;
    }

    /** The last measured offset of the database's clock to this server's, for tests. */
    long offsetMillis() {
        return offsetMillis;
    }
}

package dev.serversessions.internal.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The CPU time reading one value may take, in proportion to the bytes read so far. {@link StreamShape} bounds what the stream's structure
 * says, but not what the values inside it make the reader do: lists that all share one hash code
 * turn a {@code HashSet}'s reading into a linear search per element (120,000 of them fit in 4 MB),
 * and a {@code Hashtable} whose keys refer back to it rehashes all it holds at each insertion
 * (its {@code hashCode} cuts the cycle, so there is no stack overflow to end it). Both are quadratic
 * in elements the stream may legitimately hold, so only the time they take can tell them apart:
 * an ordinary value costs about the same for each byte read, these cost more for each byte than
 * for the one before, and soon more than any ordinary value.
 *
 * <p>The reader's filter calls {@link #exceeded()} at every object and back reference it reads, so
 * the overrun past the limit is the work between two of them: one element's insertion, or one sort
 * of a queue, which {@link StreamShape} bounds. The time is the reading thread's CPU time, so a
 * loaded machine or a garbage collection does not refuse a value that a quiet one would read; time
 * spent loading classes does not count, so a value is not refused for being the first of its kind.
 */
final class ReadBudget {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean THREAD_CPU = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    /** A clock read costs about a microsecond; 32 objects are read in a few. */
    private static final int CHECK_EVERY = 32;

    private final long baseNanos;
    private final long perByteNanos;
    private final long start;
    private long notCounted;
    private int calls;

    ReadBudget(Duration base, long perByteNanos) {
        this.baseNanos = base.toNanos();
        this.perByteNanos = perByteNanos;
        this.start = now();
    }

    /** Whether reading has taken more than its allowance for the first {@code bytesRead} bytes. */
    boolean exceeded(long bytesRead) {
        return ++calls % CHECK_EVERY == 0 && now() - start - notCounted > allowedNanos(bytesRead);
    }

    long allowedMillis(long bytesRead) {
        return allowedNanos(bytesRead) / 1_000_000;
    }

    private long allowedNanos(long bytesRead) {
        return baseNanos + perByteNanos * bytesRead;
    }

    /** Leaves out of the budget the time from {@code since} ({@link #now()}) until now. */
    void notCounting(long since) {
        notCounted += now() - since;
    }

    static long now() {
        // without a thread CPU clock (some JVMs, or switched off), elapsed time is the next best measure
        return THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}

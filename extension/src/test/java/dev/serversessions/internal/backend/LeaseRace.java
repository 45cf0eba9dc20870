package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionBackend;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads taking, holding and releasing one session's lock over and over, through several
 * backends on one store (as several servers would), counting how often a taker found another
 * holder inside: a lock that is not exclusive shows as an overlap. The "inside" mark is a file
 * created exclusively, so takers in another JVM marking the same file are counted too.
 */
public final class LeaseRace {
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Locks taken, takers that found another holder inside, releases refused to the holder. */
    public record Result(int takes, int overlaps, int failedReleases) {
    }

    private LeaseRace() {
    }

    /**
     * Races {@code threadsPerBackend} threads on each backend for {@code id}'s lock during
     * {@code duration}; {@code inside} is the mark file (its directory must exist).
     */
    public static Result run(List<SessionBackend> backends, String id, int threadsPerBackend, Duration duration, Path inside)
            throws Exception {
        AtomicInteger takes = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger failedReleases = new AtomicInteger();
        AtomicInteger holders = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(backends.size() * threadsPerBackend);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> racers = new ArrayList<>();
            for (int b = 0; b < backends.size(); b++) {
                SessionBackend backend = backends.get(b);
                for (int t = 0; t < threadsPerBackend; t++) {
                    String token = "racer-" + ProcessHandle.current().pid() + "-" + b + "-" + t;
                    racers.add(pool.submit(() -> {
                        start.await();
                        long end = System.nanoTime() + duration.toNanos();
                        while (System.nanoTime() < end) {
                            if (!backend.tryLock(id, token, LEASE)) {
                                Thread.sleep(1); // as a waiting request polls, leaving the store to the others
                                continue;
                            }
                            takes.incrementAndGet();
                            boolean alone = holders.incrementAndGet() == 1;
                            boolean marked = mark(inside);
                            if (!alone || !marked) {
                                overlaps.incrementAndGet();
                            }
                            Thread.sleep(1); // held long enough for a broken lock to let another in
                            if (marked) {
                                Files.delete(inside);
                            }
                            holders.decrementAndGet();
                            if (!backend.unlock(id, token)) {
                                failedReleases.incrementAndGet();
                            }
                            Thread.sleep(1);
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> racer : racers) {
                racer.get(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(takes.get(), overlaps.get(), failedReleases.get());
    }

    private static boolean mark(Path inside) throws IOException {
        try {
            Files.createFile(inside);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}

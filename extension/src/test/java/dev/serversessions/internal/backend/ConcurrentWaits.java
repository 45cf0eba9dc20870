package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.session.SessionIds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Many requests at once against one backend, each timed from its own start. */
public final class ConcurrentWaits {
    private ConcurrentWaits() {
    }

    /**
     * The milliseconds each of {@code requests} concurrent loads took to fail; a load that
     * succeeds or fails otherwise is an error, one still running after a minute a hang.
     */
    public static List<Long> failedLoads(SessionBackend backend, int requests) throws Exception {
        SessionIds ids = new SessionIds(32, null);
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<Future<Long>> loads = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                loads.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    try {
                        backend.load(ids.generate());
                    } catch (SessionStoreUnavailableException e) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                    throw new AssertionError("a store that does not answer answered");
                }));
            }
            List<Long> millis = new ArrayList<>();
            for (Future<Long> load : loads) {
                millis.add(load.get(60, TimeUnit.SECONDS));
            }
            return millis;
        } finally {
            pool.shutdownNow();
        }
    }
}

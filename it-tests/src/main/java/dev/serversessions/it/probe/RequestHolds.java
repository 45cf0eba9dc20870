package dev.serversessions.it.probe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Latches by name that let a test hold a request after it loaded its session and release it
 * when another request has done its part, so that races through HTTP happen in a chosen order.
 */
final class RequestHolds {
    private static final Map<String, CountDownLatch> LOADED = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> RELEASED = new ConcurrentHashMap<>();
    private static final Map<String, Stalled> STALLED = new ConcurrentHashMap<>();

    /** An async request left without progress, its session and what it read of it. */
    record Stalled(jakarta.servlet.AsyncContext async, jakarta.servlet.http.HttpSession session, String seen) {
    }

    private RequestHolds() {
    }

    private static CountDownLatch latch(Map<String, CountDownLatch> latches, String name) {
        return latches.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    /** Says the request has loaded its session, then waits (at most 30 s) to be released. */
    static boolean holdAfterLoad(String name) throws InterruptedException {
        latch(LOADED, name).countDown();
        return latch(RELEASED, name).await(30, TimeUnit.SECONDS);
    }

    static boolean awaitLoaded(String name) throws InterruptedException {
        return latch(LOADED, name).await(30, TimeUnit.SECONDS);
    }

    /** Keeps a stalled async request for {@link #resume}, and says it has loaded its session. */
    static void stall(String name, jakarta.servlet.AsyncContext async, jakarta.servlet.http.HttpSession session, String seen) {
        STALLED.put(name, new Stalled(async, session, seen));
        latch(LOADED, name).countDown();
    }

    /** The stalled request of {@code name}, once; null if none. */
    static Stalled resume(String name) {
        return STALLED.remove(name);
    }

    static void release(String name) {
        latch(RELEASED, name).countDown();
    }
}

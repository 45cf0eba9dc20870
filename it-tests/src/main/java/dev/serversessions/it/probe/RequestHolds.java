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

    static void release(String name) {
        latch(RELEASED, name).countDown();
    }
}

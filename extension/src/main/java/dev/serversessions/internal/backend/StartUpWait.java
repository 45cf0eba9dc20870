package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionStoreUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A request's wait for a backend's start-up that runs on a thread of its own (connecting, reading
 * a cluster's topology, creating tables): the request waits only until its own deadline, and a
 * start that outlives it still readies the backend for the next request.
 */
public final class StartUpWait {
    private StartUpWait() {
    }

    /**
     * The start-up's result once it is there, if it is by {@code deadlineNanos} (a
     * {@link System#nanoTime()} value).
     *
     * @param description the store, as {@link SessionStoreUnavailableException} names it
     * @param onTimeout   the cause to report when the deadline passes first, in the store's words
     * @throws SessionStoreUnavailableException when the deadline passed, the start-up failed with
     *                                          a checked exception, or the wait was interrupted
     * @throws RuntimeException                 the start-up's own unchecked failure, unwrapped
     */
    public static <T> T awaitUntil(CompletableFuture<T> pending, long deadlineNanos, String description,
            Supplier<? extends Throwable> onTimeout) {
        try {
            return pending.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SessionStoreUnavailableException(description, onTimeout.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new SessionStoreUnavailableException(description, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreUnavailableException(description, e);
        }
    }
}

package dev.serversessions.internal.session;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Renews the leases of the session locks this server's running requests hold
 * ({@code SESSION_LOCKING}): a request that runs longer than {@code SESSION_LOCK_LEASE} keeps its
 * lock as long as this server lives, and the lease bounds only how long a dead server's lock
 * outlasts it. One daemon thread for the application, started at the first lock and stopped
 * with the runtime; an idle one ends after a minute.
 */
final class LockRenewals {
    private ScheduledThreadPoolExecutor executor;
    private boolean closed;

    /**
     * Runs {@code renew} every third of {@code lease} until the returned future is cancelled;
     * once the runtime has stopped (the application is undeployed), never: its locks run out.
     */
    synchronized Future<?> every(Duration lease, Runnable renew) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "server-sessions-lock-renewal");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setKeepAliveTime(1, TimeUnit.MINUTES);
            executor.allowCoreThreadTimeOut(true);
        }
        long period = Math.max(1, lease.toMillis() / 3);
        return executor.scheduleAtFixedRate(renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** Stops renewing; locks still held then run out after their lease. */
    synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}

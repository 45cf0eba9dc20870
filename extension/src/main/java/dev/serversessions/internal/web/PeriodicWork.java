package dev.serversessions.internal.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's periodic work (the purge, the expiry sweep): timed by a daemon thread of the
 * library's own, each run inside the application's context where the runtime can hand it out.
 *
 * <p>Why not the runtime's managed scheduler: a periodic task there ends for good at the first
 * run that throws, and a runtime may throw before our code runs. GlassFish (and Payara) check
 * at each run that the application is enabled, and while a deployment is still finishing
 * (seconds on a loaded machine, after our listener started) the run fails with "Module ... is
 * disabled": the sweep was then gone until the next restart, and no expiry was ever announced.
 * Here a run that fails is logged and the next one comes at its time.
 *
 * <p>The context: {@code contextual} wraps each task once, on the deploying thread, with the
 * application's context (Jakarta Concurrency's {@code ContextService}, so that listeners see
 * the application's class loader, {@code java:comp} and CDI as in a request); without one, the
 * run gets the application's class loader only.
 */
final class PeriodicWork {
    private static final Logger LOG = Logger.getLogger(PeriodicWork.class.getName());

    private final ScheduledExecutorService timer;
    private final UnaryOperator<Runnable> contextual;

    /**
     * @param threadName the timer thread's name
     * @param contextual wraps a task so that it runs in the application's context
     */
    PeriodicWork(String threadName, UnaryOperator<Runnable> contextual) {
        this.contextual = contextual;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code task} every {@code period} after the previous run ended, first after one
     * period. A run that throws (the task, or the runtime's context around it) is logged, the
     * first of a series at WARNING, and the schedule goes on.
     */
    ScheduledFuture<?> every(Duration period, String what, Runnable task) {
        Runnable inContext = contextual.apply(task);
        Failures failures = new Failures(what, period);
        long millis = Math.max(1, period.toMillis());
        return timer.scheduleWithFixedDelay(() -> {
            try {
                inContext.run();
                failures.succeeded();
            } catch (Throwable e) { // a periodic task that lets anything through is never run again
                failures.failed(e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the timer; a run in progress is interrupted. */
    void stop() {
        timer.shutdownNow();
    }

    /** One log line per series of failed runs, not one per run, and one when the work runs again. */
    private static final class Failures {
        private final String what;
        private final Duration period;
        private int inARow;

        Failures(String what, Duration period) {
            this.what = what;
            this.period = period;
        }

        void failed(Throwable e) {
            if (inARow++ == 0) {
                LOG.log(Level.WARNING, what + " failed: " + e + "; it is tried again every "
                        + (period.toMillis() >= 1000 ? period.toSeconds() + " s" : period.toMillis() + " ms"), e);
            } else {
                LOG.log(Level.FINE, what + " failed again: " + e, e);
            }
        }

        void succeeded() {
            if (inARow > 0) {
                int failed = inARow;
                LOG.info(() -> what + " runs again after " + failed + " failed run(s)");
                inARow = 0;
            }
        }
    }
}

package dev.serversessions.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule of the purge and the sweep ({@link PeriodicWork}): a run that fails, in the task
 * or in the runtime's context around it, never ends the schedule. A periodic task of a JDK or
 * Jakarta Concurrency scheduler is never run again after one run threw, which is how the sweep
 * of a GlassFish server could be gone for the rest of its life.
 */
class PeriodicWorkTest {
    private PeriodicWork work;

    @AfterEach
    void stop() {
        if (work != null) {
            work.stop();
        }
    }

    @Test
    void runsThatTheRuntimesContextRefusesAreFollowedByRunsThatWork() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        // what GlassFish's context setup does while it counts the application as not enabled
        UnaryOperator<Runnable> refusingTwice = task -> () -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("Module root is disabled");
            }
            task.run();
        };
        CountDownLatch ran = new CountDownLatch(3);
        work = new PeriodicWork("test-timer", refusingTwice);
        work.every(Duration.ofMillis(20), "Test work", ran::countDown);

        assertTrue(ran.await(10, TimeUnit.SECONDS), "the work runs after the refused runs: " + attempts);
        assertTrue(attempts.get() >= 5);
    }

    @Test
    void aTaskThatThrowsAnErrorIsRunAgainAtItsTime() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        work = new PeriodicWork("test-timer", UnaryOperator.identity());
        work.every(Duration.ofMillis(20), "Test work", () -> {
            runs.incrementAndGet();
            three.countDown();
            throw new NoClassDefFoundError("a class of an undeployed application");
        });

        assertTrue(three.await(10, TimeUnit.SECONDS), "ran " + runs + " times");
    }

    @Test
    void eachRunIsWrappedInTheApplicationsContextAndNothingRunsAfterStop() throws InterruptedException {
        AtomicInteger wrapped = new AtomicInteger();
        AtomicInteger inContext = new AtomicInteger();
        ThreadLocal<Boolean> context = ThreadLocal.withInitial(() -> false);
        UnaryOperator<Runnable> contextual = task -> {
            wrapped.incrementAndGet();
            return () -> {
                context.set(true);
                try {
                    task.run();
                } finally {
                    context.set(false);
                }
            };
        };
        CountDownLatch twice = new CountDownLatch(2);
        work = new PeriodicWork("test-timer", contextual);
        work.every(Duration.ofMillis(20), "Test work", () -> {
            if (context.get()) {
                inContext.incrementAndGet();
            }
            twice.countDown();
        });
        assertTrue(twice.await(10, TimeUnit.SECONDS));
        assertEquals(1, wrapped.get(), "wrapped once, on the thread that scheduled it");

        work.stop();
        int after = inContext.get();
        Thread.sleep(200);
        assertTrue(inContext.get() <= after + 1, "at most the run in progress finishes after stop");
        assertTrue(after >= 2);
    }
}

package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.metrics.Instrumentation;
import dev.serversessions.internal.metrics.SessionMetrics;
import dev.serversessions.internal.metrics.StoreOperation;
import dev.serversessions.internal.metrics.StoreTracing;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the request rules and the store decorator report, below HTTP, on a real filesystem store:
 * each store call once, with its failure; a slide, a regeneration and an invalidation only when
 * the store was told; the session's whole size at each save. (What a runtime makes of the
 * reports, MicroProfile Metrics or OpenTelemetry, the ITs scrape from the runtime itself.)
 */
class StoreMetricsTest {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();
    private final Recorded recorded = new Recorded();

    private SessionRuntime runtime() {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "PERMANENT_SESSION_LIFETIME", "3600")), getClass().getClassLoader(), clock);
        runtime.useInstrumentation(Instrumentation.of(recorded, StoreTracing.NONE));
        return runtime;
    }

    @Test
    void eachStoreCallAndEachRuleIsReportedOnceWhenTheStoreWasTold() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("a", "x");
        String id = first.save().id();
        assertEquals(List.of("save"), recorded.calls, "a new session: one save, no load");
        assertEquals(1, recorded.sizes.size());

        RequestSession read = runtime.open(id);
        assertEquals("x", read.get("a"));
        read.save();
        assertEquals(List.of("save", "load"), recorded.calls, "a read-only request within the threshold: one load");
        assertEquals(0, recorded.slides);

        clock.advance(Duration.ofSeconds(61));
        RequestSession late = runtime.open(id);
        late.get("a");
        late.save();
        assertEquals(List.of("save", "load", "load", "touch"), recorded.calls);
        assertEquals(1, recorded.slides, "past the threshold: slid");

        RequestSession renamed = runtime.open(id);
        renamed.regenerate();
        String newId = renamed.save().id();
        assertEquals(1, recorded.regenerations);
        assertEquals(1, recorded.slides, "the rename moves no expiry that counts as a slide");

        RequestSession bigger = runtime.open(newId);
        bigger.put("b", "y".repeat(1000));
        bigger.save();
        long smaller = recorded.sizes.get(0);
        long larger = recorded.sizes.get(1);
        assertTrue(larger >= smaller + 1000, "the whole session is measured: " + smaller + " then " + larger);

        RequestSession ended = runtime.open(newId);
        ended.invalidate();
        ended.save();
        assertEquals(1, recorded.invalidations);
        assertTrue(recorded.calls.contains("delete"));
        assertEquals(List.of(), recorded.failures);
    }

    @Test
    void aFailedStoreCallIsReportedWithItsFailureAndNoSaveIsCounted() throws Exception {
        SessionRuntime runtime = runtime();
        Files.writeString(dir.resolve("store"), "not a directory");
        RequestSession session = runtime.open(null);
        session.put("a", "x");
        assertThrows(SessionStoreUnavailableException.class, session::save);
        assertEquals(List.of("save"), recorded.calls);
        assertInstanceOf(SessionStoreUnavailableException.class, recorded.failures.get(0));
        assertEquals(List.of(), recorded.sizes, "nothing was saved");
    }

    @Test
    void storedDataThatCannotBeDecodedIsCountedEachTime() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("a", "x");
        String id = first.save().id();
        runtime.activeBackend().apply(PrivateIds.of(id), new dev.serversessions.api.ChangeSet(Map.of("a", new byte[] {1, 2, 3}), java.util.Set.of(),
                clock.instant(), clock.instant().plusSeconds(600), false));
        for (int i = 0; i < 2; i++) {
            RequestSession broken = runtime.open(id);
            assertEquals(null, broken.get("a"));
        }
        assertEquals(2, recorded.undecodable, "logged once, counted per request");
    }

    /**
     * The decorator is installed where the runtime traces (here: an OpenTelemetry whose tracer
     * provider is not the no-op one, found as the runtime's bean), and never with
     * {@code SESSION_METRICS=false}.
     */
    @Test
    void aRuntimeThatTracesGetsTheDecoratorUnlessMetricsAreOff() {
        for (boolean on : new boolean[] {true, false}) {
            SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                    "SESSION_METRICS", String.valueOf(on))), getClass().getClassLoader(), clock);
            io.opentelemetry.api.OpenTelemetry tracing = new io.opentelemetry.api.OpenTelemetry() {
                private final io.opentelemetry.api.trace.TracerProvider tracers = new io.opentelemetry.api.trace.TracerProvider() {
                    @Override
                    public io.opentelemetry.api.trace.Tracer get(String name) {
                        return io.opentelemetry.api.trace.TracerProvider.noop().get(name);
                    }

                    @Override
                    public io.opentelemetry.api.trace.Tracer get(String name, String version) {
                        return get(name);
                    }
                };

                @Override
                public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
                    return tracers;
                }

                @Override
                public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
                    return io.opentelemetry.context.propagation.ContextPropagators.noop();
                }
            };
            runtime.useClients(new dev.serversessions.internal.backend.ClientLookup() {
                @Override
                public <T> java.util.Optional<T> find(Class<T> clientType, dev.serversessions.api.SessionType store) {
                    return java.util.Optional.empty();
                }

                @Override
                public <T> java.util.Optional<T> bean(Class<T> type) {
                    return type == io.opentelemetry.api.OpenTelemetry.class ? java.util.Optional.of(type.cast(tracing)) : java.util.Optional.empty();
                }
            });
            String backend = runtime.activeBackend().getClass().getSimpleName();
            assertEquals(on ? "InstrumentedSessionBackend" : "FileSystemSessionBackend", backend, "SESSION_METRICS=" + on);
            RequestSession session = runtime.open(null);
            session.put("a", "x");
            assertEquals("x", runtime.open(session.save().id()).get("a"), "sessions work either way");
        }
    }

    /**
     * With metrics on (Payara and WildFly by default), locking goes through the decorator: it must
     * reach the store's own lock, not the refusing default of {@code SessionBackend}.
     */
    @Test
    void lockingReachesTheStoreThroughTheDecorator() {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "1")), getClass().getClassLoader(), clock);
        runtime.useInstrumentation(Instrumentation.of(recorded, StoreTracing.NONE));
        RequestSession first = runtime.open(null);
        first.put("n", 1);
        String id = first.save().id();
        first.releaseLocks();

        RequestSession holder = runtime.open(id);
        assertEquals(1, holder.get("n"));
        holder.put("n", 2);
        holder.save();
        holder.releaseLocks();

        assertTrue(recorded.calls.contains("lock"), "the lock was taken through the store: " + recorded.calls);
        assertTrue(recorded.calls.contains("unlock"), "and released there: " + recorded.calls);
        assertEquals(List.of(), recorded.failures);
        assertEquals(2, runtime.open(id).get("n"));
    }

    /** Metrics never stop sessions, and a registry that fails on every call fills no log: one warning. */
    @Test
    void aMetricsImplementationThatFailsNeverFailsTheStoreCallAndIsLoggedOnce() {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString())),
                getClass().getClassLoader(), clock);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        runtime.useInstrumentation(Instrumentation.of(new SessionMetrics() {
            @Override
            public void storeCall(StoreOperation operation, long nanos, RuntimeException failure) {
                asked.incrementAndGet();
                throw new IllegalStateException("a broken registry");
            }
        }, StoreTracing.NONE));
        WarningCapture warnings = new WarningCapture();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.serversessions.internal.metrics.InstrumentedSessionBackend");
        log.addHandler(warnings);
        try {
            RequestSession first = runtime.open(null);
            first.put("a", "x");
            String id = first.save().id();
            assertEquals("x", runtime.open(id).get("a"));
            RequestSession second = runtime.open(id);
            second.put("a", "y");
            second.save();
            assertEquals("y", runtime.open(id).get("a"));
        } finally {
            log.removeHandler(warnings);
        }
        assertEquals(5, asked.get(), "every store call was reported to the failing registry (save, load, load, save, load)");
        assertEquals(1, warnings.records.size(), "logged once: " + warnings.records.stream().map(r -> r.getMessage()).toList());
        assertTrue(warnings.records.get(0).getMessage().contains("a broken registry"), warnings.records.get(0).getMessage());
    }

    private static final class Recorded implements SessionMetrics {
        final List<String> calls = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();
        int slides;
        int regenerations;
        int invalidations;
        int undecodable;

        @Override
        public void storeCall(StoreOperation operation, long nanos, RuntimeException failure) {
            assertTrue(nanos >= 0);
            calls.add(operation.operationName());
            if (failure != null) {
                failures.add(failure);
            }
        }

        @Override
        public void saved(long bytes) {
            sizes.add(bytes);
        }

        @Override
        public void slid() {
            slides++;
        }

        @Override
        public void regenerated() {
            regenerations++;
        }

        @Override
        public void invalidated() {
            invalidations++;
        }

        @Override
        public void undecodable() {
            undecodable++;
        }
    }

}

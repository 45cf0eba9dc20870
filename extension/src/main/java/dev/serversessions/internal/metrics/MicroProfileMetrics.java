package dev.serversessions.internal.metrics;

import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.NearCacheCounts;
import dev.serversessions.internal.backend.SessionCount;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The metrics in MicroProfile Metrics 5 (Payara 6), in the application's registry. Loaded only
 * where the API is present ({@link Instrumentation}). Tag names cannot hold dots in this API,
 * so OpenTelemetry's {@code db.system.name} is {@code db_system_name} here (as Prometheus
 * writes either).
 */
final class MicroProfileMetrics implements SessionMetrics {
    private final Map<StoreOperation, Timer> durations = new EnumMap<>(StoreOperation.class);
    private final Counter loads;
    private final Counter saves;
    private final Counter deletes;
    private final Counter slides;
    private final Counter regenerations;
    private final Counter invalidations;
    private final Counter unavailable;
    private final Counter undecodable;
    private final Histogram size;
    private final MetricRegistry registry;

    /** The metrics in the application's registry, or null if it has no registry bean (metrics disabled). */
    static SessionMetrics create(ClientLookup beans, String dbSystem) {
        return beans.bean(MicroProfileRegistry.class).map(MicroProfileRegistry::registry)
                .map(registry -> new MicroProfileMetrics(registry, dbSystem)).orElse(null);
    }

    private MicroProfileMetrics(MetricRegistry registry, String dbSystem) {
        this.registry = registry;
        // in seconds, as the convention says: Payara then writes _seconds_sum and _count right
        // (without a unit it names the timer without _seconds), though its quantiles, mean and max
        // stay nanoseconds either way (Payara 6.2025.10; docs/operations.md "Metrics")
        Metadata duration = Metadata.builder().withName(MetricNames.OPERATION_DURATION)
                .withDescription(MetricNames.OPERATION_DURATION_HELP).withUnit(MetricUnits.SECONDS).build();
        for (StoreOperation operation : StoreOperation.values()) {
            durations.put(operation, registry.timer(duration, new Tag("db_system_name", dbSystem),
                    new Tag("db_operation_name", operation.operationName())));
        }
        loads = counter(registry, MetricNames.LOADS, MetricNames.LOADS_HELP);
        saves = counter(registry, MetricNames.SAVES, MetricNames.SAVES_HELP);
        deletes = counter(registry, MetricNames.DELETES, MetricNames.DELETES_HELP);
        slides = counter(registry, MetricNames.SLIDES, MetricNames.SLIDES_HELP);
        regenerations = counter(registry, MetricNames.REGENERATIONS, MetricNames.REGENERATIONS_HELP);
        invalidations = counter(registry, MetricNames.INVALIDATIONS, MetricNames.INVALIDATIONS_HELP);
        unavailable = counter(registry, MetricNames.UNAVAILABLE, MetricNames.UNAVAILABLE_HELP);
        undecodable = counter(registry, MetricNames.UNDECODABLE, MetricNames.UNDECODABLE_HELP);
        size = registry.histogram(Metadata.builder().withName(MetricNames.SIZE).withDescription(MetricNames.SIZE_HELP)
                .withUnit(MetricUnits.BYTES).build());
    }

    private static Counter counter(MetricRegistry registry, String name, String help) {
        return registry.counter(Metadata.builder().withName(name).withDescription(help).build());
    }

    @Override
    public void storeCall(StoreOperation operation, long nanos, RuntimeException failure) {
        durations.get(operation).update(Duration.ofNanos(nanos));
        if (failure == null) {
            switch (operation) {
                case LOAD -> loads.inc();
                case SAVE -> saves.inc();
                case DELETE -> deletes.inc();
                default -> {
                }
            }
        }
    }

    /** NaN while the store cannot answer: a gauge has no "unknown" in this API. */
    @Override
    public void countSessions(SessionCount store) {
        registry.gauge(Metadata.builder().withName(MetricNames.LIVE).withDescription(MetricNames.LIVE_HELP).build(), store, s -> {
            try {
                return (double) s.countSessions();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        });
    }

    /** Gauges: MicroProfile Metrics 5 has no counter that reads its value from a function. */
    @Override
    public void countNearCache(NearCacheCounts cache) {
        Metadata lookups = Metadata.builder().withName(MetricNames.NEAR_CACHE_LOOKUPS).withDescription(MetricNames.NEAR_CACHE_LOOKUPS_HELP)
                .build();
        registry.gauge(lookups, cache, NearCacheCounts::hits, new Tag("result", MetricNames.RESULT_HIT));
        registry.gauge(lookups, cache, NearCacheCounts::misses, new Tag("result", MetricNames.RESULT_MISS));
        registry.gauge(lookups, cache, NearCacheCounts::bypassed, new Tag("result", MetricNames.RESULT_BYPASS));
        registry.gauge(Metadata.builder().withName(MetricNames.NEAR_CACHE_EVICTIONS).withDescription(MetricNames.NEAR_CACHE_EVICTIONS_HELP)
                .build(), cache, NearCacheCounts::evictions);
        registry.gauge(Metadata.builder().withName(MetricNames.NEAR_CACHE_ENTRIES).withDescription(MetricNames.NEAR_CACHE_ENTRIES_HELP)
                .build(), cache, NearCacheCounts::entries);
    }

    @Override
    public void saved(long bytes) {
        size.update(bytes);
    }

    @Override
    public void slid() {
        slides.inc();
    }

    @Override
    public void regenerated() {
        regenerations.inc();
    }

    @Override
    public void invalidated() {
        invalidations.inc();
    }

    @Override
    public void unavailableAnswered() {
        unavailable.inc();
    }

    @Override
    public void undecodable() {
        undecodable.inc();
    }
}

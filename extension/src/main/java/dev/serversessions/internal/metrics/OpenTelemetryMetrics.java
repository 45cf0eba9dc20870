package dev.serversessions.internal.metrics;

import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.NearCacheCounts;
import dev.serversessions.internal.backend.SessionCount;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics in OpenTelemetry's API (MicroProfile Telemetry 2: WildFly), exported however the
 * runtime's SDK is configured. Loaded only where the API is present ({@link Instrumentation}).
 */
final class OpenTelemetryMetrics implements SessionMetrics {
    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** The buckets the semantic convention advises for {@code db.client.operation.duration}. */
    private static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

    /** Session sizes from 64 bytes to 1 MiB, by factors of 4 (the SDK's default buckets end at 10 kB). */
    private static final List<Long> SIZE_BUCKETS = List.of(64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L);

    private final Map<StoreOperation, Attributes> attributes = new EnumMap<>(StoreOperation.class);
    private final DoubleHistogram duration;
    private final LongCounter loads;
    private final LongCounter saves;
    private final LongCounter deletes;
    private final LongCounter slides;
    private final LongCounter regenerations;
    private final LongCounter invalidations;
    private final LongCounter unavailable;
    private final LongCounter undecodable;
    private final LongHistogram size;
    private final Meter meter;

    /** The metrics, or null where the runtime's OpenTelemetry takes none (its no-op meter provider). */
    static SessionMetrics create(ClientLookup beans, String dbSystem) {
        OpenTelemetry telemetry = OpenTelemetryTracing.telemetry(beans);
        return telemetry.getMeterProvider() == MeterProvider.noop() ? null : new OpenTelemetryMetrics(telemetry, dbSystem);
    }

    private OpenTelemetryMetrics(OpenTelemetry telemetry, String dbSystem) {
        meter = telemetry.getMeter(Instrumentation.SCOPE);
        for (StoreOperation operation : StoreOperation.values()) {
            attributes.put(operation, Attributes.of(DB_SYSTEM, dbSystem, DB_OPERATION, operation.operationName()));
        }
        duration = withBuckets(meter.histogramBuilder(MetricNames.OPERATION_DURATION).setUnit("s")
                .setDescription(MetricNames.OPERATION_DURATION_HELP), DURATION_BUCKETS).build();
        loads = counter(meter, MetricNames.LOADS, "{load}", MetricNames.LOADS_HELP);
        saves = counter(meter, MetricNames.SAVES, "{save}", MetricNames.SAVES_HELP);
        deletes = counter(meter, MetricNames.DELETES, "{delete}", MetricNames.DELETES_HELP);
        slides = counter(meter, MetricNames.SLIDES, "{slide}", MetricNames.SLIDES_HELP);
        regenerations = counter(meter, MetricNames.REGENERATIONS, "{regeneration}", MetricNames.REGENERATIONS_HELP);
        invalidations = counter(meter, MetricNames.INVALIDATIONS, "{invalidation}", MetricNames.INVALIDATIONS_HELP);
        unavailable = counter(meter, MetricNames.UNAVAILABLE, "{response}", MetricNames.UNAVAILABLE_HELP);
        undecodable = counter(meter, MetricNames.UNDECODABLE, "{request}", MetricNames.UNDECODABLE_HELP);
        LongHistogramBuilder sizeBuilder = meter.histogramBuilder(MetricNames.SIZE).setUnit("By").setDescription(MetricNames.SIZE_HELP)
                .ofLongs();
        try {
            sizeBuilder = sizeBuilder.setExplicitBucketBoundariesAdvice(SIZE_BUCKETS);
        } catch (NoSuchMethodError e) {
            // as in withBuckets
        }
        size = sizeBuilder.build();
    }

    private static DoubleHistogramBuilder withBuckets(DoubleHistogramBuilder builder, List<Double> buckets) {
        try {
            return builder.setExplicitBucketBoundariesAdvice(buckets);
        } catch (NoSuchMethodError e) {
            return builder; // an API before 1.32 (Payara 6 ships one): the SDK's buckets, or the operator's view
        }
    }

    private static LongCounter counter(Meter meter, String name, String unit, String help) {
        return meter.counterBuilder(name).setUnit(unit).setDescription(help).build();
    }

    @Override
    public void storeCall(StoreOperation operation, long nanos, RuntimeException failure) {
        Attributes common = attributes.get(operation);
        if (failure != null) {
            duration.record(nanos / 1e9, common.toBuilder().put(ERROR_TYPE, failure.getClass().getName()).build());
            return;
        }
        duration.record(nanos / 1e9, common);
        switch (operation) {
            case LOAD -> loads.add(1);
            case SAVE -> saves.add(1);
            case DELETE -> deletes.add(1);
            default -> {
            }
        }
    }

    /** No value while the store cannot answer. */
    @Override
    public void countSessions(SessionCount store) {
        meter.gaugeBuilder(MetricNames.LIVE).ofLongs().setUnit("{session}").setDescription(MetricNames.LIVE_HELP)
                .buildWithCallback(measurement -> {
                    try {
                        measurement.record(store.countSessions());
                    } catch (RuntimeException e) {
                        // the store is down: nothing measured this time
                    }
                });
    }

    @Override
    public void countNearCache(NearCacheCounts cache) {
        AttributeKey<String> result = AttributeKey.stringKey("result");
        Attributes hit = Attributes.of(result, MetricNames.RESULT_HIT);
        Attributes miss = Attributes.of(result, MetricNames.RESULT_MISS);
        Attributes bypass = Attributes.of(result, MetricNames.RESULT_BYPASS);
        meter.counterBuilder(MetricNames.NEAR_CACHE_LOOKUPS).setUnit("{lookup}").setDescription(MetricNames.NEAR_CACHE_LOOKUPS_HELP)
                .buildWithCallback(measurement -> {
                    measurement.record(cache.hits(), hit);
                    measurement.record(cache.misses(), miss);
                    measurement.record(cache.bypassed(), bypass);
                });
        meter.counterBuilder(MetricNames.NEAR_CACHE_EVICTIONS).setUnit("{session}").setDescription(MetricNames.NEAR_CACHE_EVICTIONS_HELP)
                .buildWithCallback(measurement -> measurement.record(cache.evictions()));
        meter.gaugeBuilder(MetricNames.NEAR_CACHE_ENTRIES).ofLongs().setUnit("{session}").setDescription(MetricNames.NEAR_CACHE_ENTRIES_HELP)
                .buildWithCallback(measurement -> measurement.record(cache.entries()));
    }

    @Override
    public void saved(long bytes) {
        size.record(bytes);
    }

    @Override
    public void slid() {
        slides.add(1);
    }

    @Override
    public void regenerated() {
        regenerations.add(1);
    }

    @Override
    public void invalidated() {
        invalidations.add(1);
    }

    @Override
    public void unavailableAnswered() {
        unavailable.add(1);
    }

    @Override
    public void undecodable() {
        undecodable.add(1);
    }
}

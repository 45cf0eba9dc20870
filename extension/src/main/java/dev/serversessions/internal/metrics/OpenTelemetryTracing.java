package dev.serversessions.internal.metrics;

import dev.serversessions.internal.backend.ClientLookup;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.util.EnumMap;
import java.util.Map;

/**
 * Store calls as client spans ({@code load redis}, ...), children of the request's span where
 * the runtime traces requests. Loaded only where OpenTelemetry's API is present.
 */
final class OpenTelemetryTracing implements StoreTracing {
    private final Tracer tracer;
    private final Map<StoreOperation, String> names = new EnumMap<>(StoreOperation.class);
    private final Map<StoreOperation, Attributes> attributes = new EnumMap<>(StoreOperation.class);

    /** Spans of store calls, or null where the runtime does not trace (its no-op tracer provider). */
    static StoreTracing create(ClientLookup beans, String dbSystem) {
        OpenTelemetry telemetry = telemetry(beans);
        return telemetry.getTracerProvider() == TracerProvider.noop() ? null : new OpenTelemetryTracing(telemetry, dbSystem);
    }

    /**
     * The application's OpenTelemetry: MicroProfile Telemetry's bean (each application has its
     * own SDK there), else the global one (no-op unless the application set one up).
     */
    static OpenTelemetry telemetry(ClientLookup beans) {
        return beans.bean(OpenTelemetry.class).orElseGet(GlobalOpenTelemetry::get);
    }

    private OpenTelemetryTracing(OpenTelemetry telemetry, String dbSystem) {
        tracer = telemetry.getTracer(Instrumentation.SCOPE);
        for (StoreOperation operation : StoreOperation.values()) {
            // the semantic convention's span name: "{db.operation.name} {target}", the system where no collection applies
            names.put(operation, operation.operationName() + " " + dbSystem);
            attributes.put(operation, Attributes.of(OpenTelemetryMetrics.DB_SYSTEM, dbSystem,
                    OpenTelemetryMetrics.DB_OPERATION, operation.operationName()));
        }
    }

    @Override
    public Object start(StoreOperation operation) {
        return tracer.spanBuilder(names.get(operation)).setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(attributes.get(operation)).startSpan();
    }

    @Override
    public void end(Object started, RuntimeException failure) {
        Span span = (Span) started;
        if (failure != null) {
            span.setAttribute(OpenTelemetryMetrics.ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}

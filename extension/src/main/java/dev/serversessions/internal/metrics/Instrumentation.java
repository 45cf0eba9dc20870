package dev.serversessions.internal.metrics;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.NearCacheCounts;
import dev.serversessions.internal.backend.SessionCount;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which metrics and tracing API this application's runtime has, decided once: MicroProfile
 * Metrics where present (Payara 6), else OpenTelemetry's metrics (MicroProfile Telemetry 2:
 * WildFly); spans through OpenTelemetry where it traces; nothing, and no error, where neither
 * API exists. As for MicroProfile Health, the classes using an optional API are named here,
 * never referenced, so that they are loaded only where it is present.
 */
public final class Instrumentation {
    /** The instrumentation scope of our meters and tracers. */
    static final String SCOPE = "dev.serversessions";
    static final String MICROPROFILE_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    static final String OPENTELEMETRY = "io.opentelemetry.api.OpenTelemetry";
    private static final Logger LOG = Logger.getLogger(Instrumentation.class.getName());

    /** Measures nothing. */
    public static final Instrumentation NONE = new Instrumentation(SessionMetrics.NONE, StoreTracing.NONE, "none");

    private final SessionMetrics metrics;
    private final StoreTracing tracing;
    private final String description;

    Instrumentation(SessionMetrics metrics, StoreTracing tracing, String description) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.description = description;
    }

    /** Measures with the given instruments (for tests: a runtime's own are found by {@link #detect}). */
    public static Instrumentation of(SessionMetrics metrics, StoreTracing tracing) {
        return new Instrumentation(metrics, tracing, "given instruments");
    }

    /**
     * Finds the APIs visible to {@code loader} and builds the instruments for a store of
     * {@code dbSystem}.
     *
     * @param beans where the runtime's metric registry or OpenTelemetry bean is found
     */
    public static Instrumentation detect(ClassLoader loader, ClientLookup beans, String dbSystem) {
        SessionMetrics metrics = null;
        StoreTracing tracing = null;
        String description = "no metrics (the runtime has neither MicroProfile Metrics nor OpenTelemetry)";
        if (isPresent(MICROPROFILE_METRICS, loader)) {
            metrics = (SessionMetrics) create("MicroProfileMetrics", beans, dbSystem);
            description = metrics != null ? "MicroProfile Metrics" : "no metrics (MicroProfile Metrics has no registry here)";
        }
        if (isPresent(OPENTELEMETRY, loader)) {
            if (metrics == null) {
                metrics = (SessionMetrics) create("OpenTelemetryMetrics", beans, dbSystem);
                description = metrics != null ? "OpenTelemetry metrics" : "no metrics (OpenTelemetry's SDK is off)";
            }
            tracing = (StoreTracing) create("OpenTelemetryTracing", beans, dbSystem);
            if (tracing != null) {
                description += ", store calls traced through OpenTelemetry";
            }
        }
        Instrumentation found = new Instrumentation(metrics != null ? metrics : SessionMetrics.NONE,
                tracing != null ? tracing : StoreTracing.NONE, description);
        LOG.info(() -> "Server sessions of this application report " + found.describe());
        return found;
    }

    /** Store calls of {@code backend} measured, or {@code backend} itself where nothing measures. */
    public SessionBackend instrument(SessionBackend backend) {
        if (backend instanceof SessionCount store) {
            try {
                metrics.countSessions(store);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "The live sessions gauge is off: " + e, e); // metrics never stop sessions
            }
        }
        try {
            NearCacheCounts.of(backend).ifPresent(metrics::countNearCache);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "The near cache metrics are off: " + e, e);
        }
        return metrics == SessionMetrics.NONE && tracing == StoreTracing.NONE
                ? backend : new InstrumentedSessionBackend(backend, metrics, tracing);
    }

    /** Where the request rules report what they did. */
    public SessionMetrics metrics() {
        return metrics;
    }

    /** Which APIs measure, for the log. */
    public String describe() {
        return description;
    }

    /**
     * The value of {@code db.system.name} for a store: OpenTelemetry's well-known value where one
     * exists, for SQL the database of the JDBC URL ({@code other_sql} for a DataSource).
     */
    public static String dbSystem(SessionType type, Optional<String> sqlTarget) {
        return switch (type) {
            case REDIS -> "redis";
            case MEMCACHED -> "memcached";
            case MONGODB -> "mongodb";
            case FILESYSTEM -> "filesystem";
            case SQLALCHEMY -> sqlSystem(sqlTarget.orElse("").toLowerCase(Locale.ROOT));
        };
    }

    private static String sqlSystem(String url) {
        if (url.startsWith("jdbc:postgresql:")) return "postgresql";
        if (url.startsWith("jdbc:mariadb:")) return "mariadb";
        if (url.startsWith("jdbc:mysql:")) return "mysql";
        if (url.startsWith("jdbc:h2:")) return "h2database";
        if (url.startsWith("jdbc:oracle:")) return "oracle.db";
        if (url.startsWith("jdbc:sqlserver:")) return "microsoft.sql_server";
        return "other_sql";
    }

    /** Whether {@code loader} sees MicroProfile Metrics' API. */
    public static boolean isMicroProfileMetricsPresent(ClassLoader loader) {
        return isPresent(MICROPROFILE_METRICS, loader);
    }

    static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Calls {@code create(ClientLookup, String)} of one of this package's API classes; null if it
     * says the API is not in use. A failure is logged, never thrown: metrics never stop sessions.
     */
    private static Object create(String className, ClientLookup beans, String dbSystem) {
        try {
            return Class.forName(Instrumentation.class.getPackageName() + "." + className, true, Instrumentation.class.getClassLoader())
                    .getDeclaredMethod("create", ClientLookup.class, String.class).invoke(null, beans, dbSystem);
        } catch (InvocationTargetException e) {
            LOG.log(Level.WARNING, "Session metrics through " + className + " are off: " + e.getCause(), e.getCause());
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "Session metrics through " + className + " are off: " + e, e);
            return null;
        }
    }
}

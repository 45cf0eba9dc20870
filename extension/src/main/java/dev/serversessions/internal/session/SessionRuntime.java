package dev.serversessions.internal.session;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.backend.BackendProviders;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.AttributeCodecs;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.InvalidSettingsException;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.config.UserSessionLimit;
import dev.serversessions.internal.metrics.Instrumentation;
import dev.serversessions.internal.metrics.SessionMetrics;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything one application's sessions share: settings, codec, ids and backends. The servlet
 * initializer and the CDI extension both use the one instance of their application, so a
 * backend is built once whichever of them asks first.
 *
 * <p>The library jar lives in the WAR, so "one per application" is one per class loader of this
 * class: a static holder is enough and dies with the deployment.
 */
public final class SessionRuntime {
    private static final Logger LOG = Logger.getLogger(SessionRuntime.class.getName());
    private static SessionRuntime current;
    private static boolean settingsProblemsLogged;

    private final SessionSettings settings;
    private final ConfigValues config;
    private final ClassLoader appLoader;
    private final AttributeCodec codec;
    private final SessionIds ids;
    private final RecordSigner recordSigner;
    private final Clock clock;
    private final Map<SessionType, SessionBackend> backends = new EnumMap<>(SessionType.class);
    private final RetiredIds retiredIds = new RetiredIds();
    private final LocalLocks localLocks;
    private final LockRenewals lockRenewals = new LockRenewals();
    private volatile ClientLookup clients = ClientLookup.NONE;
    private volatile Supplier<SessionBackend> applicationBackend;
    private volatile SessionBackend activeBackend;
    private volatile Instrumentation instrumentation;
    private volatile boolean cdiActive;
    private final UserSessionLimit userSessionLimit;
    private final StoreUserSessions userSessions = new StoreUserSessions(this);

    SessionRuntime(SessionSettings settings, ConfigValues config, ClassLoader appLoader, Clock clock) {
        this.settings = settings;
        this.localLocks = new LocalLocks(settings.lockMaxWaiters());
        this.config = config;
        this.appLoader = appLoader;
        this.codec = AttributeCodecs.forSettings(settings, appLoader);
        // the key signs cookies only with the signer on: a key set for another use changes no cookie
        this.ids = settings.useSigner() ? new SessionIds(settings.idLength(), settings.secretKey().orElse(null), settings.secretKeyFallbacks())
                : new SessionIds(settings.idLength(), null);
        this.recordSigner = RecordSigner.of(settings.secretKey(), settings.secretKeyFallbacks());
        this.clock = clock;
        this.userSessionLimit = UserSessionLimit.read(config);
    }

    /**
     * The application's runtime, built on first use from its configuration.
     *
     * @throws InvalidSettingsException naming every bad key; the problems themselves are logged
     *                                   once, at SEVERE
     */
    public static synchronized SessionRuntime forApplication() {
        if (current == null) {
            ClassLoader loader = SessionRuntime.class.getClassLoader();
            try {
                current = create(SettingsSource.forApplication(loader), loader, Clock.systemUTC());
            } catch (InvalidSettingsException e) {
                // The CDI extension and the servlet initializer both ask; the problems are logged
                // once, and what the container prints (several times) only points here.
                if (!settingsProblemsLogged) {
                    settingsProblemsLogged = true;
                    LOG.severe(e.getMessage());
                }
                throw e.loggedAbove();
            }
        }
        return current;
    }

    /**
     * A runtime from explicit settings, with every key validated, including the configured
     * backend's own.
     *
     * @throws dev.serversessions.internal.config.InvalidSettingsException listing every bad key
     */
    public static SessionRuntime create(SettingsSource source, ClassLoader appLoader, Clock clock) {
        ConfigValues values = new ConfigValues(source);
        SessionSettings settings = SessionSettings.read(values);
        BackendProvider provider = BackendProviders.load(settings.type(), appLoader, values);
        if (provider != null) {
            provider.validate(values);
        }
        UserSessionLimit.read(values);
        values.throwIfInvalid();
        return new SessionRuntime(settings, values, appLoader, clock);
    }

    /** Closes the backends this runtime built and forgets the application's runtime. */
    public static synchronized void shutdown() {
        if (current != null) {
            current.closeBackends();
            current = null;
        }
    }

    public SessionSettings settings() {
        return settings;
    }

    public AttributeCodec codec() {
        return codec;
    }

    public SessionIds ids() {
        return ids;
    }

    /** What signs and checks stored callers and owners ({@code SESSION_SECRET_KEY} and its fallbacks). */
    RecordSigner recordSigner() {
        return recordSigner;
    }

    /** A user's sessions in this application's store. */
    public StoreUserSessions userSessions() {
        return userSessions;
    }

    /** {@code SESSION_MAX_PER_USER} and what a login beyond it does. */
    public UserSessionLimit userSessionLimit() {
        return userSessionLimit;
    }

    public Clock clock() {
        return clock;
    }

    /** Ids requests of this application retired lately (see {@link RetiredIds}). */
    RetiredIds retiredIds() {
        return retiredIds;
    }

    /** This server's queue of requests per session ({@code SESSION_LOCKING}). */
    LocalLocks localLocks() {
        return localLocks;
    }

    /** Renews the leases of locks running requests hold ({@code SESSION_LOCKING}). */
    LockRenewals lockRenewals() {
        return lockRenewals;
    }

    /** Lets backends use clients the application produced (set by the CDI extension). */
    public void useClients(ClientLookup lookup) {
        this.clients = lookup;
        this.cdiActive = true;
    }

    /** Whether the CDI extension ran for this application. */
    public boolean isCdiActive() {
        return cdiActive;
    }

    /** Makes requests use the application's own unqualified {@code SessionBackend} bean. */
    public void useApplicationBackend(Supplier<SessionBackend> backend) {
        this.applicationBackend = backend;
    }

    /**
     * The backend of {@code type}, built on first use and then shared; it is closed by
     * {@link #shutdown()}.
     */
    public synchronized SessionBackend backend(SessionType type) {
        SessionBackend backend = backends.get(type);
        if (backend == null) {
            ConfigValues values = type == settings.type() ? config : new ConfigValues(config::raw);
            BackendProvider provider = BackendProviders.load(type, appLoader, values);
            if (provider != null) {
                provider.validate(values);
            }
            values.throwIfInvalid();
            backend = provider.create(new BackendContext(settings, values, clients));
            backends.put(type, backend);
            SessionBackend built = backend;
            LOG.info(() -> "Server sessions of this application are stored in " + built.describe());
        }
        return backend;
    }

    /**
     * The backend requests use: the application's own, or the configured one, its calls timed
     * and traced where the runtime has a metrics or tracing API.
     */
    public SessionBackend activeBackend() {
        SessionBackend backend = activeBackend;
        if (backend == null) {
            Supplier<SessionBackend> own = applicationBackend;
            backend = instrumentation().instrument(own != null ? own.get() : backend(settings.type()));
            activeBackend = backend;
        }
        return backend;
    }

    /** Where the request rules report slides, regenerations, invalidations, sizes and the like. */
    public SessionMetrics metrics() {
        return instrumentation().metrics();
    }

    /** Measures with {@code instruments} instead of what the runtime has (for tests). */
    synchronized void useInstrumentation(Instrumentation instruments) {
        this.instrumentation = instruments;
        this.activeBackend = null;
    }

    /**
     * The runtime's metrics and tracing, found on first use: by then the CDI extension has
     * handed over the bean lookup through which the runtime's registry is found.
     */
    private Instrumentation instrumentation() {
        Instrumentation found = instrumentation;
        if (found == null) {
            synchronized (this) {
                found = instrumentation;
                if (found == null) {
                    found = findInstrumentation();
                    instrumentation = found;
                }
            }
        }
        return found;
    }

    private Instrumentation findInstrumentation() {
        if (!settings.metrics()) {
            LOG.info("Server sessions of this application report no metrics and no spans (SESSION_METRICS=false)");
            return Instrumentation.NONE;
        }
        String dbSystem = applicationBackend != null ? "other"
                : Instrumentation.dbSystem(settings.type(), config.raw("SESSION_SQLALCHEMY"));
        return Instrumentation.detect(SessionRuntime.class.getClassLoader(), clients, dbSystem);
    }

    /** The session of one request, for the id its cookie carried (or null). */
    public RequestSession open(String cookieValue) {
        return open(cookieValue, null);
    }

    /**
     * The session of one request, for the id its {@code SESSION_ID_HEADER} header carried if that
     * is valid (well formed and, with the signer, correctly signed), else the id of its cookie.
     */
    public RequestSession open(String cookieValue, String headerValue) {
        Optional<String> fromHeader = settings.idHeader().isPresent() ? ids.idFromCookie(headerValue) : Optional.empty();
        if (fromHeader.isPresent()) {
            return new RequestSession(this, fromHeader.get(), RequestSession.IdSource.HEADER);
        }
        return new RequestSession(this, ids.idFromCookie(cookieValue).orElse(null));
    }

    /**
     * After a session-touching request, on about one request in {@code SESSION_CLEANUP_N_REQUESTS},
     * purges expired sessions from a store that cannot expire them itself.
     */
    public void maybePurge() {
        long n = settings.cleanupEveryNRequests().orElse(0L);
        SessionBackend backend = activeBackend;
        if (n > 0 && backend != null && !backend.expiresEntriesItself() && ThreadLocalRandom.current().nextLong(n) == 0) {
            purge(backend);
        }
    }

    /** Purges expired sessions now; failures are logged, never thrown. */
    public void purge(SessionBackend backend) {
        try {
            int removed = backend.purgeExpired();
            if (removed > 0) {
                LOG.fine(() -> "Purged " + removed + " expired sessions from " + backend.describe());
            }
        } catch (SessionStoreUnavailableException e) {
            // the outage is logged by the requests it fails; a line here is enough
            LOG.warning(() -> "Purging expired sessions skipped: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Purging expired sessions from " + backend.describe() + " failed: " + e, e);
        }
    }

    private synchronized void closeBackends() {
        lockRenewals.close();
        backends.values().forEach(b -> {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Closing session backend " + b.describe() + " failed", e);
            }
        });
        backends.clear();
    }
}

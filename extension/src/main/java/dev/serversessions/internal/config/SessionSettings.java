package dev.serversessions.internal.config;

import dev.serversessions.api.SessionType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The general {@code SESSION_*} settings, read once at start-up and validated as a whole.
 * A backend's own keys live in its package.
 */
public record SessionSettings(
        SessionType type,
        boolean permanent,
        boolean useSigner,
        Optional<String> secretKey,
        List<String> secretKeyFallbacks,
        String keyPrefix,
        int idLength,
        SerializationFormat serializationFormat,
        List<String> serializationAllowlist,
        Optional<Long> cleanupEveryNRequests,
        String cookieName,
        Optional<String> cookieDomain,
        Optional<String> cookiePath,
        boolean cookieHttpOnly,
        boolean cookieSecure,
        SameSite cookieSameSite,
        Duration lifetime,
        boolean refreshEachRequest,
        boolean wrapHttpSession,
        long maxSessionBytes,
        boolean login,
        boolean logoutKeepsAttributes,
        Optional<Duration> refreshThreshold,
        Optional<String> idHeader,
        boolean metrics,
        boolean locking,
        Duration lockTimeout,
        Duration lockLease,
        int lockMaxWaiters,
        Duration expirySweepInterval) {

    public static final String TYPE = "SESSION_TYPE";
    public static final String PERMANENT = "SESSION_PERMANENT";
    public static final String USE_SIGNER = "SESSION_USE_SIGNER";
    public static final String SECRET_KEY = "SESSION_SECRET_KEY";
    /** Keys that still verify cookies and stored callers and owners after a rotation; only {@link #SECRET_KEY} signs. */
    public static final String SECRET_KEY_FALLBACKS = "SESSION_SECRET_KEY_FALLBACKS";
    /** HMAC-SHA256 gains nothing from a longer key, and an attacker everything from a shorter one. */
    static final int MIN_SECRET_KEY_BYTES = 32;
    private static final String SECRET_KEY_REMEDY = "generate one with: openssl rand -base64 48";
    public static final String KEY_PREFIX = "SESSION_KEY_PREFIX";
    public static final String ID_LENGTH = "SESSION_ID_LENGTH";
    public static final String SERIALIZATION_FORMAT = "SESSION_SERIALIZATION_FORMAT";
    public static final String SERIALIZATION_ALLOWLIST = "SESSION_SERIALIZATION_ALLOWLIST";
    public static final String CLEANUP_N_REQUESTS = "SESSION_CLEANUP_N_REQUESTS";
    public static final String COOKIE_NAME = "SESSION_COOKIE_NAME";
    public static final String ID_HEADER = "SESSION_ID_HEADER";
    public static final String COOKIE_DOMAIN = "SESSION_COOKIE_DOMAIN";
    public static final String COOKIE_PATH = "SESSION_COOKIE_PATH";
    public static final String COOKIE_HTTPONLY = "SESSION_COOKIE_HTTPONLY";
    public static final String COOKIE_SECURE = "SESSION_COOKIE_SECURE";
    public static final String COOKIE_SAMESITE = "SESSION_COOKIE_SAMESITE";
    public static final String LIFETIME = "PERMANENT_SESSION_LIFETIME";
    public static final String REFRESH_EACH_REQUEST = "SESSION_REFRESH_EACH_REQUEST";
    public static final String REFRESH_THRESHOLD = "SESSION_REFRESH_THRESHOLD";
    public static final String HTTPSESSION = "SESSION_HTTPSESSION";
    public static final String MAX_SIZE = "SESSION_MAX_SIZE";

    /**
     * 4 MiB: far above what a session should hold (a large cart is some kB), low enough that a
     * runaway value cannot fill the store or stall every request of its session; the store's
     * own limit wins where it is lower (memcached's 1 MB item).
     */
    public static final long DEFAULT_MAX_SIZE_BYTES = 4L * 1024 * 1024;
    /** 1 GiB: PostgreSQL's bytea and Redis's default bulk limit are in this range. */
    private static final long MAX_MAX_SIZE_BYTES = 1024L * 1024 * 1024;
    public static final String LOGIN = "SESSION_LOGIN";
    /**
     * Whether a logout keeps the session's attributes (under a new id) instead of ending the
     * session with them: for a "remember my cart" logout. Off by default, as Spring Security's
     * logout invalidates the session: the next user of the browser inherits nothing.
     */
    public static final String LOGOUT_KEEPS_ATTRIBUTES = "SESSION_LOGOUT_KEEPS_ATTRIBUTES";
    /** Metrics and store spans through the runtime's API (docs/operations.md "Metrics"); false: none. */
    public static final String METRICS = "SESSION_METRICS";
    public static final String LOCKING = "SESSION_LOCKING";
    public static final String LOCK_TIMEOUT = "SESSION_LOCK_TIMEOUT";
    public static final String LOCK_LEASE = "SESSION_LOCK_LEASE";
    public static final String LOCK_MAX_WAITERS = "SESSION_LOCK_MAX_WAITERS";
    /**
     * Requests of one session that may wait for its lock on one server: more than a browser sends
     * at once (six connections per host over HTTP/1.1), few enough that one client sending hundreds
     * of requests with one cookie cannot hold the server's request threads for SESSION_LOCK_TIMEOUT.
     */
    public static final long DEFAULT_LOCK_MAX_WAITERS = 8;
    public static final String EXPIRY_SWEEP_INTERVAL = "SESSION_EXPIRY_SWEEP_INTERVAL";
    /**
     * Seconds between two looks for expired sessions, when the application has session
     * listeners: an expiry is announced within one interval while the sweeping server lives,
     * and within three when it dies (its lease of two intervals runs out first), under a minute.
     * 0: no sweep, and {@code sessionDestroyed} on {@code invalidate()} only.
     */
    public static final long DEFAULT_EXPIRY_SWEEP_INTERVAL_SECONDS = 15;
    /** Seconds a request waits for its session's lock before it answers 503. */
    public static final long DEFAULT_LOCK_TIMEOUT_SECONDS = 5;
    /**
     * Seconds a lock is held at most: the bound on how long a killed holder keeps its session
     * locked, and the longest a request may hold its session and still be alone with it.
     */
    public static final long DEFAULT_LOCK_LEASE_SECONDS = 30;

    /** 31 days, Flask's default. */
    public static final long DEFAULT_LIFETIME_SECONDS = 2_678_400;

    /**
     * Reads and validates the general keys; problems are collected in {@code values}, and the
     * returned settings then hold defaults for the bad keys.
     */
    public static SessionSettings read(ConfigValues values) {
        SessionType type = readType(values);
        boolean useSigner = values.bool(USE_SIGNER, false);
        Optional<String> secretKey = values.optionalString(SECRET_KEY);
        if (useSigner && secretKey.isEmpty()) {
            values.problem(SECRET_KEY + " is required when " + USE_SIGNER + "=true: " + SECRET_KEY_REMEDY);
        }
        // checked whenever it is set, not only with the signer: a short key is a mistake either way
        // (the value itself is never repeated: it is a secret; a placeholder says more than its length)
        secretKey.ifPresent(k -> checkSecret(values, SECRET_KEY, k));
        List<String> fallbacks = values.optionalString(SECRET_KEY_FALLBACKS).map(v -> List.of(v.split(","))).orElse(List.of())
                .stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        for (int i = 0; i < fallbacks.size(); i++) {
            checkSecret(values, SECRET_KEY_FALLBACKS + " (key " + (i + 1) + " of " + fallbacks.size() + ")", fallbacks.get(i));
        }
        if (!fallbacks.isEmpty() && secretKey.isEmpty()) {
            values.problem(SECRET_KEY_FALLBACKS + " needs " + SECRET_KEY + ", the key that signs: after a rotation the new key goes"
                    + " into " + SECRET_KEY + " and the old one into " + SECRET_KEY_FALLBACKS);
        }
        String keyPrefix = values.string(KEY_PREFIX, "session:");
        if (keyPrefix.length() > 100 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            values.problem(KEY_PREFIX, keyPrefix, "must be at most 100 characters without spaces or control characters");
        }
        int idLength = (int) values.numberInRange(ID_LENGTH, 32, 16, 256,
                "must be a number of bytes from 16 to 256");
        String cookieName = values.string(COOKIE_NAME, "session");
        if (!CookieSyntax.isToken(cookieName)) {
            values.problem(COOKIE_NAME, cookieName, "is not a valid cookie name (use letters, digits, - and _)");
        }
        Optional<String> idHeader = values.optionalString(ID_HEADER);
        idHeader.ifPresent(name -> HeaderNames.problem(name).ifPresent(why -> values.problem(ID_HEADER, name, why)));
        Optional<String> cookieDomain = values.optionalString(COOKIE_DOMAIN);
        cookieDomain.filter(d -> !CookieSyntax.isAttributeValue(d))
                .ifPresent(d -> values.problem(COOKIE_DOMAIN, d, "is not a valid cookie domain (e.g. example.com)"));
        Optional<String> cookiePath = values.optionalString(COOKIE_PATH);
        cookiePath.filter(p -> !p.startsWith("/") || !CookieSyntax.isAttributeValue(p))
                .ifPresent(p -> values.problem(COOKIE_PATH, p, "is not a cookie path (it starts with /, e.g. /shop)"));
        boolean cookieSecure = values.bool(COOKIE_SECURE, false);
        CookiePrefixes.problems(cookieName, cookieSecure, cookiePath, cookieDomain).forEach(values::problem);
        SameSite sameSite = values.choice(COOKIE_SAMESITE, SameSite.LAX, SameSite.class, SameSite::attributeValue);
        if (sameSite == SameSite.NONE && !cookieSecure) {
            values.problem(COOKIE_SAMESITE + "=None needs " + COOKIE_SECURE + "=true: browsers drop SameSite=None cookies that are not Secure");
        }
        long lifetime = values.number(LIFETIME, DEFAULT_LIFETIME_SECONDS, 1);
        Optional<Long> refreshThreshold = values.optionalNumber(REFRESH_THRESHOLD, 0);
        if (refreshThreshold.isPresent() && refreshThreshold.get() > lifetime / 2) {
            values.problem(REFRESH_THRESHOLD, String.valueOf(refreshThreshold.get()), "must be at most half of "
                    + LIFETIME + " (" + lifetime / 2 + " s): a session read only by requests that came less often than"
                    + " the lifetime less the threshold would expire; 0 slides the expiry on every request");
            refreshThreshold = Optional.empty();
        }
        long maxSize = values.numberInRange(MAX_SIZE, DEFAULT_MAX_SIZE_BYTES, 1024, MAX_MAX_SIZE_BYTES,
                "must be a number of bytes from 1024 to " + MAX_MAX_SIZE_BYTES);
        long lockTimeout = values.numberInRange(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT_SECONDS, 1, 3600,
                "must be a number of seconds from 1 to 3600");
        long lockLease = values.numberInRange(LOCK_LEASE, DEFAULT_LOCK_LEASE_SECONDS, 1, 86_400,
                "must be a number of seconds from 1 to 86400");
        long lockMaxWaiters = values.numberInRange(LOCK_MAX_WAITERS, DEFAULT_LOCK_MAX_WAITERS, 1, 10_000,
                "must be a number of requests from 1 to 10000");
        long sweepInterval = values.numberInRange(EXPIRY_SWEEP_INTERVAL, DEFAULT_EXPIRY_SWEEP_INTERVAL_SECONDS, 0, 3600,
                "must be a number of seconds from 0 (no sweep) to 3600");
        return new SessionSettings(
                type,
                values.bool(PERMANENT, true),
                useSigner,
                secretKey,
                fallbacks,
                keyPrefix,
                idLength,
                values.choice(SERIALIZATION_FORMAT, SerializationFormat.JAVA, SerializationFormat.class),
                values.optionalString(SERIALIZATION_ALLOWLIST)
                        .map(v -> List.of(v.split("[;,]"))).orElse(List.of())
                        .stream().map(String::trim).filter(s -> !s.isEmpty()).toList(),
                values.optionalNumber(CLEANUP_N_REQUESTS, 1),
                cookieName,
                cookieDomain,
                cookiePath,
                values.bool(COOKIE_HTTPONLY, true),
                cookieSecure,
                sameSite,
                Duration.ofSeconds(lifetime),
                values.bool(REFRESH_EACH_REQUEST, true),
                values.bool(HTTPSESSION, true),
                maxSize,
                values.bool(LOGIN, true),
                values.bool(LOGOUT_KEEPS_ATTRIBUTES, false),
                refreshThreshold.map(Duration::ofSeconds),
                idHeader,
                values.bool(METRICS, true),
                values.bool(LOCKING, false),
                Duration.ofSeconds(lockTimeout),
                Duration.ofSeconds(lockLease),
                (int) lockMaxWaiters,
                Duration.ofSeconds(sweepInterval));
    }

    /** A secret that is a placeholder or shorter than {@link #MIN_SECRET_KEY_BYTES} is a problem; its value is never shown. */
    private static void checkSecret(ConfigValues values, String what, String secret) {
        if (PlaceholderSecrets.isPlaceholder(secret)) {
            values.problem(what + " is a placeholder (" + PlaceholderSecrets.RULE
                    + "), one that anyone can find and sign cookies with: " + SECRET_KEY_REMEDY);
            return;
        }
        int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_SECRET_KEY_BYTES) {
            values.problem(what + " is " + bytes + " bytes long; it must be at least " + MIN_SECRET_KEY_BYTES
                    + " random bytes: " + SECRET_KEY_REMEDY);
        }
    }

    private static SessionType readType(ConfigValues values) {
        Optional<String> raw = values.optionalString(TYPE);
        if (raw.isEmpty()) {
            return SessionType.FILESYSTEM;
        }
        Optional<SessionType> type = SessionType.fromConfig(raw.get());
        if (type.isEmpty()) {
            values.problem(TYPE, raw.get(), "is not one of redis, memcached, filesystem, mongodb, sqlalchemy (alias jpa)");
            return SessionType.FILESYSTEM;
        }
        return type.get();
    }
}

package dev.serversessions.session;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.codec.AttributeCodec;
import dev.serversessions.codec.UndecodableAttributeException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.crypto.spec.SecretKeySpec;

/**
 * One request's view of its session, and the one place that holds the request rules: load
 * lazily, track what changed, and turn it into a single {@link ChangeSet} when saved.
 *
 * <p>Nothing touches the store until a method needs the stored data. {@link #save()} may run
 * more than once per request (before the response commits, then at the end): each run writes
 * only what changed since the one before, so late changes still reach the store.
 */
public final class RequestSession implements ServerSession {
    /** Names starting with this are the library's own metadata, hidden from the application. */
    public static final String RESERVED_PREFIX = "__ss:";
    private static final String PERMANENT = RESERVED_PREFIX + "permanent";
    private static final String MAX_INACTIVE = RESERVED_PREFIX + "maxInactive";
    /** The authenticated caller ({@link Caller}); unlike other metadata it keeps a session alive. */
    public static final String CALLER = RESERVED_PREFIX + "caller";
    /** What "never expires" means to stores that need a date: far, but before 2038's 32-bit limit. */
    private static final Duration NEVER = Duration.ofDays(3650);
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionRuntime runtime;
    private final AttributeCodec codec;
    private final SessionIds ids;
    private final Clock clock;
    private final Duration lifetime;
    private final boolean defaultPermanent;
    private final boolean refreshEachRequest;
    private final String requestedId;
    private final SecretKeySpec callerKey;
    private boolean badCallerLogged;

    private boolean loaded;
    /** The id the store knows this session by; null while it is not stored. */
    private String storedId;
    /** The current id; differs from storedId after regenerate, null until first needed. */
    private String id;
    private Instant created;
    private Instant expires;
    private Instant lastAccess;
    private final Map<String, Object> values = new LinkedHashMap<>();
    /** Bytes as the store holds them after the last load or save. */
    private final Map<String, byte[]> baseline = new HashMap<>();
    /** Attributes whose value the application may hold a reference to: re-encoded at save. */
    private final Set<String> exposed = new HashSet<>();
    private String pendingDelete;
    private boolean expireCookie;
    private SessionEvents events = SessionEvents.NONE;
    private boolean createdEventSent;
    private SessionStoreUnavailableException failure;

    RequestSession(SessionRuntime runtime, String requestedId) {
        this.runtime = runtime;
        this.codec = runtime.codec();
        this.ids = runtime.ids();
        this.clock = runtime.clock();
        this.lifetime = runtime.settings().lifetime();
        this.defaultPermanent = runtime.settings().permanent();
        this.refreshEachRequest = runtime.settings().refreshEachRequest();
        this.requestedId = requestedId;
        this.callerKey = runtime.callerKey();
    }

    /** Lets the web layer tell listeners what happens to this session. */
    public synchronized void listenWith(SessionEvents events) {
        this.events = events;
    }

    /** The well-formed (and correctly signed) id the client sent, or null. */
    public String requestedId() {
        return requestedId;
    }

    /** Whether anything has touched the session in this request. */
    public synchronized boolean isTouched() {
        return loaded;
    }

    @Override
    public synchronized Object get(String name) {
        load();
        Object value = values.get(name);
        if (value != null) {
            exposed.add(name);
        }
        return value;
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        Object value = get(name);
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        if (value instanceof Number number) {
            Object converted = convertNumber(number, type);
            if (converted != null) {
                return type.cast(converted);
            }
        }
        throw new ClassCastException("Session attribute '" + name + "' is a " + value.getClass().getName()
                + ", not a " + type.getName());
    }

    private static Object convertNumber(Number n, Class<?> type) {
        BigDecimal exact = new BigDecimal(n.toString());
        try {
            if (type == Integer.class) return exact.intValueExact();
            if (type == Long.class) return exact.longValueExact();
            if (type == Short.class) return exact.shortValueExact();
            if (type == BigInteger.class) return exact.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return null;
        }
        if (type == Double.class) return n.doubleValue();
        if (type == BigDecimal.class) return exact;
        return null;
    }

    @Override
    public synchronized void put(String name, Object value) {
        checkName(name);
        if (value == null) {
            remove(name);
            return;
        }
        codec.encode(name, value); // fails here, naming the attribute, not at the end of the request
        load();
        announceCreation();
        Object old = values.put(name, value);
        exposed.add(name);
        if (old == null) {
            events.attributeAdded(this, name, value);
        } else if (old != value) {
            events.attributeReplaced(this, name, old, value);
        }
    }

    @Override
    public synchronized void remove(String name) {
        checkName(name);
        load();
        Object old = values.remove(name);
        exposed.remove(name);
        if (old != null) {
            events.attributeRemoved(this, name, old);
        }
    }

    @Override
    public synchronized boolean contains(String name) {
        load();
        return !isReserved(name) && values.containsKey(name);
    }

    @Override
    public synchronized Set<String> names() {
        load();
        return values.keySet().stream().filter(n -> !isReserved(n))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public synchronized void clear() {
        load();
        for (String name : names()) {
            remove(name);
        }
    }

    @Override
    public synchronized String id() {
        load();
        if (id == null) {
            id = ids.generate();
        }
        return id;
    }

    @Override
    public synchronized boolean isNew() {
        load();
        return storedId == null;
    }

    @Override
    public synchronized void regenerate() {
        load();
        String old = id;
        // a caller record is bound to the id it was signed for: sign it again for the new one
        Optional<Caller> caller = Caller.fromStored(values.get(CALLER), old, callerKey);
        id = ids.generate();
        caller.ifPresent(c -> {
            values.put(CALLER, c.toStored(id, callerKey));
            exposed.add(CALLER);
        });
        if (old != null && storedId != null) {
            events.idChanged(this, old);
        }
    }

    @Override
    public synchronized void invalidate() {
        String doomed = loaded ? storedId : requestedId;
        if (events != SessionEvents.NONE) {
            // listeners see the session as it was: destroyed first, then every attribute unbound
            load();
            doomed = storedId;
            events.destroying(this);
            for (String name : names()) {
                events.attributeRemoved(this, name, values.get(name));
            }
        }
        if (doomed != null) {
            pendingDelete = doomed;
            expireCookie = true;
        }
        loaded = true;
        startFresh();
    }

    /**
     * The authenticated caller this session holds, if any. A record that fails its check (a
     * MAC that does not match this session, or not the shape this library writes) is ignored:
     * the request is anonymous, and one line is logged with the id's tag.
     */
    public synchronized Optional<Caller> caller() {
        load();
        Object stored = values.get(CALLER);
        if (stored == null) {
            return Optional.empty();
        }
        Optional<Caller> caller = Caller.fromStored(stored, id, callerKey);
        if (caller.isEmpty() && !badCallerLogged) {
            badCallerLogged = true;
            LOG.warning(() -> "Session " + SessionIds.logTag(String.valueOf(id)) + " holds a caller record that fails its "
                    + (callerKey == null ? "format check" : "MAC check (changed in the store, copied from another session, or signed with another SESSION_SECRET_KEY)")
                    + ": ignored, the request is anonymous");
        }
        return caller;
    }

    /**
     * Records a successful authentication: the caller is stored with the session, which gets a
     * new id (against session fixation: an id known before the login never carries it).
     */
    public synchronized void logIn(Caller caller) {
        load();
        announceCreation();
        values.remove(CALLER); // regenerate must not re-sign a record that is replaced anyway
        regenerate();
        values.put(CALLER, caller.toStored(id, callerKey));
        exposed.add(CALLER);
    }

    /**
     * Whether the session holds a caller record (checked or not), or null while it has not been
     * loaded: asking never costs a store call.
     */
    public synchronized Boolean holdsCallerIfLoaded() {
        return loaded ? values.containsKey(CALLER) : null;
    }

    /** Forgets the authenticated caller; the rest of the session stays. */
    public synchronized void logOut() {
        load();
        values.remove(CALLER);
        exposed.remove(CALLER);
    }

    /** Tells listeners about a new session once, when it first gets something to keep. */
    public synchronized void announceCreation() {
        load();
        if (storedId == null && !createdEventSent) {
            createdEventSent = true;
            events.created(this);
        }
    }

    @Override
    public synchronized boolean isPermanent() {
        load();
        Object flag = values.get(PERMANENT);
        return flag instanceof Boolean b ? b : defaultPermanent;
    }

    @Override
    public synchronized void setPermanent(boolean permanent) {
        load();
        if (permanent == defaultPermanent) {
            values.remove(PERMANENT);
        } else {
            values.put(PERMANENT, permanent);
        }
    }

    /** Seconds of inactivity after which the session expires; {@code <= 0}: never. */
    public synchronized int maxInactiveSeconds() {
        load();
        Object custom = values.get(MAX_INACTIVE);
        return custom instanceof Number n ? n.intValue() : (int) Math.min(Integer.MAX_VALUE, lifetime.toSeconds());
    }

    /**
     * Gives this session its own inactivity limit ({@code HttpSession.setMaxInactiveInterval});
     * {@code <= 0} means it never expires.
     */
    public synchronized void setMaxInactiveSeconds(int seconds) {
        load();
        if (seconds == lifetime.toSeconds()) {
            values.remove(MAX_INACTIVE);
        } else {
            values.put(MAX_INACTIVE, seconds);
        }
        expires = clock.instant().plus(lifetime());
    }

    private Duration lifetime() {
        Object custom = values.get(MAX_INACTIVE);
        if (custom instanceof Number n) {
            return n.intValue() <= 0 ? NEVER : Duration.ofSeconds(n.intValue());
        }
        return lifetime;
    }

    @Override
    public synchronized Instant creationTime() {
        load();
        return created;
    }

    @Override
    public synchronized Instant lastAccessTime() {
        load();
        return lastAccess;
    }

    @Override
    public synchronized Instant expiryTime() {
        load();
        return expires;
    }

    /**
     * Writes what changed since the last load or save, as one change set (plus a delete or an
     * id change where the request asked for one).
     *
     * @return what the cookie must say afterwards
     */
    public synchronized CookieAction save() {
        if (failure != null) {
            // the store failed this request earlier, even if the application caught it: the
            // request did not get its session, and the caller answers 503
            throw failure;
        }
        if (!loaded) {
            return CookieAction.NONE; // lazy: an untouched session costs nothing
        }
        SessionBackend backend = runtime.activeBackend();
        if (pendingDelete != null) {
            backend.delete(pendingDelete);
            pendingDelete = null;
        }
        Map<String, byte[]> current = encodeCurrent();
        boolean empty = current.keySet().stream().allMatch(n -> isReserved(n) && !n.equals(CALLER));
        if (empty) {
            if (storedId != null) {
                backend.delete(storedId);
                expireCookie = true;
                startFresh();
            }
            return expireCookie ? CookieAction.EXPIRE : CookieAction.NONE;
        }
        Instant now = clock.instant();
        Instant newExpiry = refreshEachRequest || storedId == null ? now.plus(lifetime()) : expires;
        boolean idChanged = false;
        if (storedId != null && id != null && !id.equals(storedId)) {
            if (!backend.changeId(storedId, id)) {
                storedId = null; // vanished meanwhile: nothing to move, so store it as new below
            } else {
                storedId = id;
                idChanged = true;
            }
        }
        if (storedId == null) {
            if (id == null) {
                id = ids.generate();
            }
            backend.apply(id, new ChangeSet(current, Set.of(), created, newExpiry, true));
            storedId = id;
            idChanged = true;
        } else {
            Map<String, byte[]> put = new HashMap<>();
            current.forEach((name, bytes) -> {
                if (!Arrays.equals(bytes, baseline.get(name))) {
                    put.put(name, bytes);
                }
            });
            Set<String> removed = new HashSet<>(baseline.keySet());
            removed.removeAll(current.keySet());
            if (!put.isEmpty() || !removed.isEmpty()) {
                if (!backend.apply(storedId, new ChangeSet(put, removed, created, newExpiry, false))) {
                    // Another request invalidated it meanwhile: a late save must not resurrect it.
                    startFresh();
                    return CookieAction.EXPIRE;
                }
            }
        }
        baseline.clear();
        baseline.putAll(current);
        expires = newExpiry;
        expireCookie = false;
        boolean permanent = isPermanent();
        return idChanged || (permanent && refreshEachRequest)
                ? CookieAction.send(id, permanent, expires) : CookieAction.NONE;
    }

    private Map<String, byte[]> encodeCurrent() {
        Map<String, byte[]> current = new HashMap<>();
        values.forEach((name, value) -> current.put(name,
                exposed.contains(name) || !baseline.containsKey(name) ? codec.encode(name, value) : baseline.get(name)));
        return current;
    }

    private void load() {
        if (loaded) {
            return;
        }
        if (requestedId != null) {
            Instant now = clock.instant();
            Optional<StoredSession> stored;
            try {
                stored = runtime.activeBackend().load(requestedId, refreshEachRequest ? now.plus(lifetime) : null);
            } catch (SessionStoreUnavailableException e) {
                failure = e;
                throw e;
            }
            loaded = true;
            if (stored.isPresent() && decode(stored.get())) {
                storedId = requestedId;
                id = requestedId;
                created = stored.get().created();
                expires = stored.get().expires();
                Instant previous = expires.minus(lifetime);
                lastAccess = previous.isBefore(created) ? created : previous.isAfter(now) ? now : previous;
                baseline.putAll(stored.get().attributes());
                if (refreshEachRequest && !lifetime().equals(lifetime)) {
                    // the load slid by the default lifetime; this session has its own
                    expires = now.plus(lifetime());
                    runtime.activeBackend().touch(storedId, expires);
                }
                return;
            }
        }
        loaded = true;
        startFresh();
    }

    private boolean decode(StoredSession stored) {
        try {
            stored.attributes().forEach((name, bytes) -> values.put(name, codec.decode(name, bytes)));
            return true;
        } catch (UndecodableAttributeException e) {
            // The stored entry is left alone (a rollback of the class may make it readable again)
            // and this request carries on with a fresh session.
            UndecodableSessionLog.report(SessionIds.logTag(requestedId), e, LOG);
            values.clear();
            return false;
        }
    }

    private void startFresh() {
        createdEventSent = false;
        storedId = null;
        id = null;
        values.clear();
        baseline.clear();
        exposed.clear();
        Instant now = clock.instant();
        created = now;
        lastAccess = now;
        expires = now.plus(lifetime);
    }

    private static boolean isReserved(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }

    private static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Session attribute name must not be null");
        }
        if (isReserved(name)) {
            throw new IllegalArgumentException("Session attribute names starting with '" + RESERVED_PREFIX
                    + "' are reserved for the library: '" + name + "'");
        }
    }

    @Override
    public synchronized String toString() {
        return "ServerSession[" + (id == null ? "new" : SessionIds.logTag(id)) + ", "
                + (loaded ? Collections.unmodifiableSet(values.keySet()) : "not loaded") + "]";
    }
}

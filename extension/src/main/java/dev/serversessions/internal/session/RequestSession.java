package dev.serversessions.internal.session;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    /** Names starting with this are the library's own, hidden from the application. */
    public static final String RESERVED_PREFIX = "__ss:";
    /**
     * Attributes holding {@code @ServerSessionScoped} beans: reserved (the application cannot
     * overwrite or list them as attributes), yet data, so a session holding only beans is kept.
     */
    public static final String BEAN_PREFIX = RESERVED_PREFIX + "bean:";
    private static final String PERMANENT = RESERVED_PREFIX + "permanent";
    static final String MAX_INACTIVE = RESERVED_PREFIX + "maxInactive";
    /**
     * The user the session belongs to ({@code UserSessions}), as {@code [owner, indexedUntilMillis]}:
     * the second part says until when the store's owner index keeps this session's entry, so
     * that a session that keeps sliding is indexed again before its entry runs out. Like the
     * caller, it keeps a session alive.
     */
    static final String OWNER = RESERVED_PREFIX + "owner";
    /** The authenticated caller ({@link Caller}); unlike other metadata it keeps a session alive. */
    public static final String CALLER = RESERVED_PREFIX + "caller";
    /** What "never expires" means to stores that need a date: far, but before 2038's 32-bit limit. */
    private static final Duration NEVER = Duration.ofDays(3650);
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionRuntime runtime;
    private final IdSource source;
    private final boolean headerOn;
    private final AttributeCodec codec;
    private final SessionIds ids;
    private final Clock clock;
    private final Duration lifetime;
    private final boolean defaultPermanent;
    private final boolean refreshEachRequest;
    private final ExpirySlide slide;
    private final String requestedId;
    private final RetiredIds retired;
    private final long startedNanos = System.nanoTime();
    private final SecretKeySpec callerKey;
    private boolean badCallerLogged;
    /** The owner as the store holds it (after the last load or save), or null. */
    private String storedOwner;
    /** The owner of the session a pending delete ends, so that its index entry goes too. */
    private String pendingDeleteOwner;

    private boolean loaded;
    /** The client sent an id and the store had no session for it. */
    private boolean requestedIdUnknown;
    /** The id the store knows this session by; null while it is not stored. */
    private String storedId;
    /** The current id; differs from storedId after regenerate, null until first needed. */
    private String id;
    private Instant created;
    /** The expiry the store holds, as far as this request knows. */
    private Instant expires;
    private Instant lastAccess;
    /** The backend's version of what was loaded, while nothing this request wrote has changed it. */
    private Object storedVersion;
    /** Decoded values and values put in this request; a stored value joins on first read. */
    private final Map<String, Object> values = new LinkedHashMap<>();
    /**
     * Stored attributes not decoded yet: their bytes stay in {@link #baseline} until the
     * application reads them, and a save writes nothing for them (their bytes cannot have changed).
     */
    private final Set<String> undecoded = new LinkedHashSet<>();
    /** Bytes as the store holds them after the last load or save. */
    private final Map<String, byte[]> baseline = new HashMap<>();
    /** Attributes whose (mutable) value the application may hold a reference to: re-encoded at save. */
    private final Set<String> exposed = new HashSet<>();
    /** Each attribute's size as last encoded, measured as {@link #measure} does: for the size limit at put. */
    private final Map<String, Long> sizes = new HashMap<>();
    private String pendingDelete;
    private boolean expireCookie;
    private SessionEvents events = SessionEvents.NONE;
    private boolean createdEventSent;
    private SessionStoreUnavailableException failure;
    /** Set once the session's lock could not be had in time: the request never gets its session. */
    private SessionLockTimeoutException lockRefused;
    /** Ids whose lock this request holds ({@code SESSION_LOCKING}), released by {@link #releaseLocks()}. */
    private final Set<String> locked = new LinkedHashSet<>();
    private final String lockToken;
    private long lockedSinceNanos;
    /** Renews the leases of {@link #locked} while this request holds them; cancelled by {@link #releaseLocks()}. */
    private java.util.concurrent.Future<?> renewal;
    /**
     * Set by {@link #releaseLocks()}: what runs after the request's end (an error page rendered
     * after the filter's pass) takes no lock, which nobody would be left to release.
     */
    private boolean lockingOver;
    private SessionConflictException conflict;
    /** Counts changes made through this object's methods (not in place), so callers can skip a needless save. */
    private int modifications;

    RequestSession(SessionRuntime runtime, String requestedId) {
        this(runtime, requestedId, requestedId == null ? IdSource.NONE : IdSource.COOKIE);
    }

    RequestSession(SessionRuntime runtime, String requestedId, IdSource source) {
        this.source = source;
        this.headerOn = runtime.settings().idHeader().isPresent();
        this.runtime = runtime;
        this.codec = runtime.codec();
        this.ids = runtime.ids();
        this.clock = runtime.clock();
        this.lifetime = runtime.settings().lifetime();
        this.defaultPermanent = runtime.settings().permanent();
        this.refreshEachRequest = runtime.settings().refreshEachRequest();
        this.slide = new ExpirySlide(runtime.settings().refreshThreshold());
        this.requestedId = requestedId;
        this.retired = runtime.retiredIds();
        this.callerKey = runtime.callerKey();
        this.lockToken = runtime.settings().locking() ? UUID.randomUUID().toString() : null;
    }

    /** Lets the web layer tell listeners what happens to this session. */
    public synchronized void listenWith(SessionEvents events) {
        this.events = events;
    }

    /** The well-formed (and correctly signed) id the client sent, or null. */
    public String requestedId() {
        return requestedId;
    }

    /**
     * Where the client carries its id. A request with a valid id in the header
     * ({@code SESSION_ID_HEADER}) uses it, whatever its cookie says: a client that sends the
     * header means it. Otherwise a valid cookie id, otherwise none.
     */
    public enum IdSource { NONE, COOKIE, HEADER }

    /** Where the id of this request came from. */
    public IdSource idSource() {
        return source;
    }

    /**
     * Whether the response tells the client its id in the session cookie: unless the client
     * sent it in the header (a header client keeps no cookies, and the cookie of a browser
     * that holds another session beside it is not this one's to change).
     */
    public boolean answersInCookie() {
        return source != IdSource.HEADER;
    }

    /**
     * Whether the response tells the client its id in the header: only with the header on, and
     * never to a client that sent a valid cookie, so that a script of the page cannot read an
     * HttpOnly cookie's id from a response; a client without any valid id learns it both ways.
     */
    public boolean answersInHeader() {
        return headerOn && source != IdSource.COOKIE;
    }

    /**
     * How many times the application changed the session through its methods; a change made
     * in place to a value it read is not counted (the save finds those by encoding).
     */
    public synchronized int modifications() {
        return modifications;
    }

    /** Whether anything has touched the session in this request. */
    public synchronized boolean isTouched() {
        return loaded;
    }

    @Override
    public synchronized Object get(String name) {
        load();
        Object value = value(name);
        if (value != null && !isImmutable(value)) {
            exposed.add(name);
        }
        return value;
    }

    @Override
    public synchronized <T> T get(String name, Class<T> type) {
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
        Object bound = codec.bind(name, value, type);
        if (bound != null) {
            // From here on the application holds the bound object: it is the value, encoded
            // again at save like any value read, so its in-place changes are kept.
            values.put(name, bound);
            if (!isImmutable(bound)) {
                exposed.add(name);
            }
            return type.cast(bound);
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
        checkUnicode(name);
        if (value == null) {
            remove(name);
            return;
        }
        // fails here, naming the attribute, not at the end of the request
        byte[] encoded = codec.encodeForPut(name, value);
        load();
        long size = measure(name, encoded.length);
        checkSize(name, size);
        Object old = replaced(name);
        modifications++;
        announceCreation();
        sizes.put(name, size);
        values.put(name, value);
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
        Object old = replaced(name);
        modifications++;
        values.remove(name);
        exposed.remove(name);
        sizes.remove(name);
        if (old != null) {
            events.attributeRemoved(this, name, old);
        }
    }

    @Override
    public synchronized boolean contains(String name) {
        load();
        return !isReserved(name) && present(name);
    }

    @Override
    public synchronized Set<String> names() {
        load();
        // Who lists the names reads the values next (an HttpSession dump, a JSON view): decoding
        // them all first lets undecodable data empty the session before any of it is seen.
        decodeAll();
        return attributeNames();
    }

    private Set<String> attributeNames() {
        return Stream.concat(values.keySet().stream(), undecoded.stream()).filter(n -> !isReserved(n))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Removes every attribute, the beans of {@code @ServerSessionScoped} included. */
    @Override
    public synchronized void clear() {
        load();
        for (String name : attributeNames()) {
            remove(name);
        }
        values.keySet().removeIf(RequestSession::isBean);
        undecoded.removeIf(RequestSession::isBean);
        exposed.removeIf(RequestSession::isBean);
    }

    /**
     * The stored instance of a {@code @ServerSessionScoped} bean, or null. Like {@link #get}, it
     * marks the attribute as read, so changes to the bean's fields are saved at the end.
     */
    public synchronized Object bean(String key) {
        return get(BEAN_PREFIX + key);
    }

    /**
     * Stores a new instance of a {@code @ServerSessionScoped} bean.
     *
     * @throws IllegalArgumentException if the codec cannot encode it
     */
    public synchronized void putBean(String key, Object instance) {
        String name = BEAN_PREFIX + key;
        codec.encode(name, instance);
        load();
        modifications++;
        announceCreation();
        values.put(name, instance);
        exposed.add(name);
    }

    /** Removes a {@code @ServerSessionScoped} bean's instance; absent is not an error. */
    public synchronized void removeBean(String key) {
        load();
        modifications++;
        values.remove(BEAN_PREFIX + key);
        undecoded.remove(BEAN_PREFIX + key);
        exposed.remove(BEAN_PREFIX + key);
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
        modifications++;
        String old = id;
        // a caller record is bound to the id it was signed for: sign it again for the new one
        Optional<Caller> caller = Caller.fromStored(value(CALLER), old, callerKey);
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
        if (!loaded && requestedId != null) {
            lock(requestedId); // SESSION_LOCKING: a blind delete waits for the session's holder too
        }
        modifications++;
        String doomed = loaded ? storedId : requestedId;
        if (events.listensToInvalidation()) {
            // listeners see the session as it was: destroyed first, then every attribute unbound
            load();
            decodeAll(); // may find the stored data undecodable: then there is nothing to destroy
            doomed = storedId;
            events.destroying(this);
            for (String name : attributeNames()) {
                events.attributeRemoved(this, name, values.get(name));
            }
        }
        if (doomed != null) {
            pendingDelete = doomed;
            pendingDeleteOwner = doomed.equals(storedId) ? storedOwner : null;
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
        Object stored = value(CALLER);
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
        if (!caller.name().equals(owner())) {
            runtime.userSessions().refuseIfFull(caller.name(), storedId);
        }
        announceCreation();
        values.remove(CALLER); // regenerate must not re-sign a record that is replaced anyway
        undecoded.remove(CALLER);
        regenerate();
        values.put(CALLER, caller.toStored(id, callerKey));
        exposed.add(CALLER);
        if (!caller.name().equals(owner())) {
            values.put(OWNER, List.of(caller.name(), "0"));
            exposed.add(OWNER);
        }
    }

    /**
     * Whether the session holds a caller record (checked or not), or null while it has not been
     * loaded: asking never costs a store call.
     */
    public synchronized Boolean holdsCallerIfLoaded() {
        return loaded ? present(CALLER) : null;
    }

    /** Forgets the authenticated caller; the rest of the session stays. */
    public synchronized void logOut() {
        load();
        modifications++;
        values.remove(CALLER);
        undecoded.remove(CALLER);
        exposed.remove(CALLER);
        values.remove(OWNER); // logged out: no longer one of the user's sessions
        exposed.remove(OWNER);
    }

    @Override
    public synchronized String owner() {
        load();
        return ownerName(values.get(OWNER));
    }

    @Override
    public synchronized void setOwner(String owner) {
        load();
        if (Objects.equals(owner, owner())) {
            return;
        }
        modifications++;
        if (owner == null) {
            values.remove(OWNER);
            exposed.remove(OWNER);
            return;
        }
        checkUnicode(owner);
        runtime.userSessions().refuseIfFull(owner, storedId);
        announceCreation();
        values.put(OWNER, List.of(owner, "0")); // indexed when saved
        exposed.add(OWNER);
    }

    /** The owner a stored {@link #OWNER} value names, or null for anything else. */
    static String ownerName(Object stored) {
        return stored instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String name && !name.isEmpty()
                ? name : null;
    }

    /** The id the store knows this session by, without loading it or making one up; null if none. */
    synchronized String storedIdIfLoaded() {
        return loaded ? storedId : null;
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
        modifications++;
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
        modifications++;
        if (seconds == lifetime.toSeconds()) {
            values.remove(MAX_INACTIVE);
        } else {
            values.put(MAX_INACTIVE, seconds);
        }
        // the store's expiry moves at save, by the slide rule against the new limit
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
        if (lockRefused != null) {
            throw lockRefused; // never written without the lock: the caller answers 503
        }
        if (conflict != null) {
            throw conflict; // the same for a conflict: the caller answers 409
        }
        if (!loaded) {
            return CookieAction.NONE; // lazy: an untouched session costs nothing
        }
        SessionBackend backend = runtime.activeBackend();
        if (pendingDelete != null) {
            deleteFollowingRenames(backend, pendingDelete);
            runtime.metrics().invalidated();
            if (pendingDeleteOwner != null) {
                runtime.userSessions().unindex(pendingDeleteOwner, pendingDelete);
            }
            pendingDelete = null;
            pendingDeleteOwner = null;
        }
        String owner = ownerName(values.get(OWNER));
        Instant indexUntil = ownerIndexDue(owner);
        Map<String, byte[]> current = withinSizeLimit(encodeCurrent());
        boolean empty = current.keySet().stream().allMatch(n -> isReserved(n) && !isBean(n) && !n.equals(CALLER) && !n.equals(OWNER));
        if (empty) {
            if (storedId != null && isRename(retired.find(storedId))) {
                // a login renamed it after we loaded it: expiring the cookie would log the user out
                throw conflict("was given a new id by another request while this one cleared it");
            }
            if (storedId != null) {
                backend.delete(storedId);
                retired.deleted(storedId);
                if (storedOwner != null) {
                    runtime.userSessions().unindex(storedOwner, storedId);
                    storedOwner = null;
                }
                expireCookie = true;
                startFresh();
            }
            return expireCookie ? CookieAction.EXPIRE : CookieAction.NONE;
        }
        Instant now = clock.instant();
        boolean idChanged = false;
        String idBefore = storedId;
        if (storedId != null && id != null && !id.equals(storedId)) {
            storedVersion = null;
            lock(id); // handed over: the first request with the new cookie waits for this one
            if (!backend.changeId(storedId, id)) {
                // It existed when loaded, so another request invalidated it or gave it a new id:
                // storing it again under our new id would bring a logged-out session back.
                throw conflict("was invalidated or given a new id by another request while this one regenerated it");
            }
            retired.renamed(storedId, id);
            storedId = id;
            idChanged = true;
            runtime.metrics().regenerated();
        }
        boolean changed;
        Instant newExpiry;
        Instant storedExpiry = expires;
        if (storedId == null) {
            if (requestedIdUnknown && isRename(retired.find(requestedId))) {
                // The cookie's session was renamed (a login) after the client sent it: a new
                // session and its cookie would replace the login's cookie and log the user out.
                throw conflict("was given a new id by another request before this one could change it");
            }
            if (id == null) {
                id = ids.generate();
            }
            newExpiry = now.plus(lifetime());
            lock(id); // the cookie may reach the client before this request's last save
            backend.apply(id, new ChangeSet(current, Set.of(), created, newExpiry, true));
            runtime.metrics().saved(totalSize());
            storedExpiry = newExpiry;
            storedId = id;
            idChanged = true;
            changed = true;
        } else {
            Map<String, byte[]> put = new HashMap<>();
            current.forEach((name, bytes) -> {
                if (!Arrays.equals(bytes, baseline.get(name))) {
                    put.put(name, bytes);
                }
            });
            Set<String> removed = new HashSet<>(baseline.keySet());
            removed.removeAll(current.keySet());
            changed = !put.isEmpty() || !removed.isEmpty();
            // As in Flask: without refresh on every request, a modified session still gets the
            // full lifetime again, or an active session would die at creation + lifetime.
            newExpiry = refreshEachRequest || changed || idChanged ? now.plus(lifetime()) : expires;
            if (changed) {
                boolean applied;
                try {
                    applied = backend.apply(storedId, new ChangeSet(put, removed, created, newExpiry, false, storedVersion));
                    storedVersion = null;
                    storedExpiry = newExpiry;
                    if (applied) {
                        runtime.metrics().saved(totalSize());
                    }
                } catch (SessionTooLargeException e) {
                    // Concurrent requests grew the stored session meanwhile, past what the store
                    // takes: this request's change is dropped, the stored session is kept, and the
                    // response goes on; the baseline below keeps a later save from trying again.
                    LOG.warning(() -> "Session " + SessionIds.logTag(storedId) + ": " + e.getMessage());
                    applied = true;
                }
                if (!applied) {
                    // Vanished since loaded: a late save must not resurrect it, and the cookie
                    // belongs to the request that invalidated or renamed it.
                    throw conflict("was invalidated or given a new id by another request while this one changed it");
                }
            } else if (refreshEachRequest ? slide.isDue(expires, newExpiry, lifetime()) : idChanged) {
                // A read-only request (or a rename, which keeps the old expiry) moves the stored
                // expiry; with refresh on, only once it has drifted past the threshold, so the
                // requests in between write nothing. A session with its own inactivity limit
                // slides by the same rule against that limit.
                storedVersion = null;
                if (!backend.touch(storedId, newExpiry)) {
                    // invalidated by another request since this one loaded it: its cookie is dead
                    startFresh();
                    return CookieAction.NONE;
                }
                if (!idChanged) {
                    runtime.metrics().slid();
                }
                storedExpiry = newExpiry;
            }
        }
        baseline.clear();
        baseline.putAll(current);
        updateOwnerIndex(idBefore, owner, indexUntil);
        expires = storedExpiry;
        expireCookie = false;
        boolean permanent = isPermanent();
        if (!idChanged && retired.find(storedId) != null) {
            // Another request of this server retired the id after this one loaded it: re-sending
            // it could overwrite the new cookie the browser just got with a dead id.
            return CookieAction.NONE;
        }
        // the cookie's Max-Age slides on every request, as before: the store's expiry may lag
        // behind it by at most the slide threshold
        return idChanged || (permanent && (refreshEachRequest || changed))
                ? CookieAction.send(id, permanent, newExpiry) : CookieAction.NONE;
    }

    /**
     * When this save must (re)index the session under its owner: a new owner, a new id, or an
     * index entry that would run out before the session's expiry after this save. The entry
     * then gets twice the lifetime, so a session in steady use is indexed again about once per
     * lifetime, and every other request leaves the index alone. Returns the new entry's end
     * (already put into the {@link #OWNER} value being saved), or null.
     */
    private Instant ownerIndexDue(String owner) {
        if (owner == null) {
            return null;
        }
        Instant now = clock.instant();
        long until = values.get(OWNER) instanceof List<?> list && list.get(1) instanceof String s && s.matches("\\d{1,18}")
                ? Long.parseLong(s) : 0;
        boolean due = !owner.equals(storedOwner) || storedId == null || (id != null && !id.equals(storedId))
                || now.plus(lifetime()).toEpochMilli() > until;
        if (!due || !runtime.userSessions().indexed()) {
            return null;
        }
        Instant newUntil = now.plus(lifetime()).plus(lifetime());
        values.put(OWNER, List.of(owner, Long.toString(newUntil.toEpochMilli())));
        exposed.add(OWNER);
        return newUntil;
    }

    /**
     * After a successful save: indexes the session under its owner where {@link #ownerIndexDue}
     * said so, forgets the entry of its old id or old owner, and on a new owner applies
     * {@code SESSION_MAX_PER_USER}.
     */
    private void updateOwnerIndex(String idBefore, String owner, Instant indexUntil) {
        String ownerBefore = storedOwner;
        storedOwner = owner;
        boolean stale = ownerBefore != null && (!ownerBefore.equals(owner) || !storedId.equals(idBefore));
        if (indexUntil == null && !stale) {
            return; // the common case: no index call
        }
        StoreUserSessions users = runtime.userSessions();
        if (!users.indexed()) {
            return;
        }
        if (indexUntil != null) {
            users.index().add(owner, storedId, indexUntil);
        }
        if (stale) {
            users.index().remove(ownerBefore, idBefore);
        }
        if (owner != null && !owner.equals(ownerBefore)) {
            users.revokeBeyondLimit(owner, storedId);
        }
    }

    /**
     * With {@code SESSION_LOCKING}, takes {@code lockedId}'s lock before the first store call for
     * it, for at most {@code SESSION_LOCK_TIMEOUT} in all: first this server's permit for the
     * session ({@link LocalLocks}: the requests of one session on this server queue there, and
     * only one of them asks the store), then the store's lock, polled with a jittered backoff
     * (so that waiters on several servers do not poll in step). Without the lock the request
     * never goes on: it gets {@link SessionLockTimeoutException}, now and at every later use of
     * its session. Callers hold this object's monitor, as {@link #renewLocks()} does.
     */
    private void lock(String lockedId) {
        if (lockToken == null || lockingOver || locked.contains(lockedId)) {
            return;
        }
        if (lockRefused != null) {
            throw lockRefused;
        }
        SessionBackend backend = runtime.activeBackend();
        Duration lease = runtime.settings().lockLease();
        long deadline = System.nanoTime() + runtime.settings().lockTimeout().toNanos();
        if (!runtime.localLocks().acquire(lockedId, deadline - System.nanoTime())) {
            throw lockTimeout(lockedId);
        }
        try {
            long pauseMillis = 2;
            while (!backend.tryLock(lockedId, lockToken, lease)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw lockTimeout(lockedId);
                }
                long pause = Math.min(ThreadLocalRandom.current().nextLong(pauseMillis / 2, pauseMillis + 1), left / 1_000_000 + 1);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw lockTimeout(lockedId);
                }
                pauseMillis = Math.min(pauseMillis * 2, 50);
            }
        } catch (RuntimeException e) {
            runtime.localLocks().release(lockedId);
            throw e;
        }
        if (locked.isEmpty()) {
            lockedSinceNanos = System.nanoTime();
        }
        locked.add(lockedId);
        if (renewal == null) {
            renewal = Renewal.start(this, runtime.lockRenewals(), lease);
        }
    }

    /**
     * The periodic renewal of one request's locks. It holds the request weakly: a request that
     * ended without {@link #releaseLocks()} (which the web layer never lets happen) is collected
     * in time and its renewal stops, so that its locks still run out after their lease instead of
     * being renewed for as long as the server lives.
     */
    private static final class Renewal implements Runnable {
        private final java.lang.ref.WeakReference<RequestSession> request;
        private volatile java.util.concurrent.Future<?> schedule;

        private Renewal(RequestSession request) {
            this.request = new java.lang.ref.WeakReference<>(request);
        }

        static java.util.concurrent.Future<?> start(RequestSession request, LockRenewals renewals, Duration lease) {
            Renewal renewal = new Renewal(request);
            renewal.schedule = renewals.every(lease, renewal);
            return renewal.schedule;
        }

        @Override
        public void run() {
            RequestSession session = request.get();
            if (session != null) {
                session.renewLocks();
            } else if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }

    /**
     * Takes this request's locks again with its token, which renews their lease (every store's
     * {@code tryLock} does for the token that holds the lock), so that a request longer than
     * {@code SESSION_LOCK_LEASE} keeps its session to itself. Runs on the renewal thread,
     * never after {@link #releaseLocks()}: both hold this object's monitor. A renewal the store
     * refuses (the lease had run out and another request took the lock) or cannot answer (an
     * outage: the next period tries again) is logged.
     */
    private synchronized void renewLocks() {
        if (lockingOver || locked.isEmpty()) {
            return;
        }
        SessionBackend backend = runtime.activeBackend();
        Duration lease = runtime.settings().lockLease();
        for (String lockedId : locked) {
            try {
                if (!backend.tryLock(lockedId, lockToken, lease)) {
                    LOG.warning(() -> "Session " + SessionIds.logTag(lockedId) + ": its lock ran out before this server could renew it"
                            + " (SESSION_LOCK_LEASE " + lease.toSeconds() + " s) and another request holds it now;"
                            + " both may change the session at the same time");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Session " + SessionIds.logTag(lockedId) + ": renewing its lock failed; the next renewal tries again", e);
            }
        }
    }

    private SessionLockTimeoutException lockTimeout(String lockedId) {
        lockRefused = new SessionLockTimeoutException("Session " + SessionIds.logTag(lockedId) + " stayed locked by other requests for "
                + runtime.settings().lockTimeout().toSeconds() + " s (SESSION_LOCK_TIMEOUT); this request did not get its session");
        LOG.info(lockRefused::getMessage);
        return lockRefused;
    }

    /**
     * Releases the locks this request took ({@code SESSION_LOCKING}); the web layer calls it once
     * the request's last save has run, whether it succeeded or not. A release that fails (the
     * store is down) leaves the lock to its lease. A lock found taken over means this request
     * held its session longer than {@code SESSION_LOCK_LEASE}: another request may have changed
     * it meanwhile, which is logged.
     */
    public synchronized void releaseLocks() {
        lockingOver = lockToken != null;
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
        if (locked.isEmpty()) {
            return;
        }
        SessionBackend backend = runtime.activeBackend();
        long heldMillis = (System.nanoTime() - lockedSinceNanos) / 1_000_000;
        for (String lockedId : locked) {
            try {
                if (!backend.unlock(lockedId, lockToken)) {
                    LOG.warning(() -> "Session " + SessionIds.logTag(lockedId) + " was held by one request for " + heldMillis
                            + " ms and its lock ran out meanwhile (SESSION_LOCK_LEASE " + runtime.settings().lockLease().toSeconds()
                            + " s, not renewed in time: the store was out of reach), so another request may have changed the"
                            + " session at the same time");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Session " + SessionIds.logTag(lockedId) + ": its lock could not be released (" + e
                        + "); it runs out after SESSION_LOCK_LEASE", LOG.isLoggable(Level.FINE) ? e : null);
            } finally {
                runtime.localLocks().release(lockedId);
            }
        }
        locked.clear();
    }

    /**
     * Deletes a session, and the id another request of this server renamed it to while this one
     * ran: the logout then wins over a login it raced with. Renames from before this request
     * started are not followed, so a stale or fixated old id cannot end the renamed session.
     */
    private void deleteFollowingRenames(SessionBackend backend, String doomed) {
        String movedTo = retired.lastMoveSince(doomed, startedNanos);
        backend.delete(doomed);
        retired.deleted(doomed);
        if (movedTo != null) {
            backend.delete(movedTo);
            retired.deleted(movedTo);
        }
    }

    private static boolean isRename(RetiredIds.Retired entry) {
        return entry != null && entry.movedTo() != null;
    }

    /** Drops this request's changes and remembers why, so that every later save says so too. */
    private SessionConflictException conflict(String what) {
        String tag = SessionIds.logTag(storedId != null ? storedId : requestedId);
        LOG.info(() -> "Session " + tag + " " + what + "; this request's changes were not saved");
        startFresh();
        conflict = new SessionConflictException("The session " + what + "; this request's changes were not saved. "
                + "Retry the request with the current session cookie.");
        return conflict;
    }

    private Map<String, byte[]> encodeCurrent() {
        Map<String, byte[]> current = new HashMap<>();
        values.forEach((name, value) -> current.put(name,
                exposed.contains(name) || !baseline.containsKey(name) ? codec.encode(name, value) : baseline.get(name)));
        undecoded.forEach(name -> current.put(name, baseline.get(name))); // never read: as stored
        return current;
    }

    private void load() {
        if (loaded) {
            return;
        }
        if (lockRefused != null) {
            throw lockRefused; // the application caught it once: it does not wait a second time
        }
        if (requestedId != null) {
            Instant now = clock.instant();
            Optional<StoredSession> stored;
            try {
                lock(requestedId);
                stored = runtime.activeBackend().load(requestedId);
            } catch (SessionStoreUnavailableException e) {
                failure = e;
                throw e;
            } catch (MalformedSessionException e) {
                // Not ours (another type, mistyped fields, foreign bytes): left alone in the store,
                // and this request carries on with a fresh session under a new id.
                UndecodableSessionLog.report(SessionIds.logTag(requestedId), e, LOG, runtime.metrics());
                stored = Optional.empty();
            }
            loaded = true;
            if (stored.isPresent() && decode(stored.get())) {
                storedId = requestedId;
                id = requestedId;
                created = stored.get().created();
                expires = stored.get().expires();
                storedVersion = stored.get().version();
                Instant previous = expires.minus(lifetime);
                lastAccess = previous.isBefore(created) ? created : previous.isAfter(now) ? now : previous;
                baseline.putAll(stored.get().attributes());
                storedOwner = ownerName(values.get(OWNER));
                baseline.forEach((name, bytes) -> sizes.put(name, measure(name, bytes.length)));
                return;
            }
        }
        loaded = true;
        requestedIdUnknown = requestedId != null;
        startFresh();
    }

    /**
     * Decodes what every request needs of a loaded session (its own lifetime and permanence,
     * and its owner, which the save compares with the owner index);
     * the other attributes wait for their first read ({@link #value}).
     */
    private boolean decode(StoredSession stored) {
        try {
            stored.attributes().forEach((name, bytes) -> {
                if (name.equals(PERMANENT) || name.equals(MAX_INACTIVE) || name.equals(OWNER)) {
                    values.put(name, codec.decode(name, bytes));
                } else {
                    undecoded.add(name);
                }
            });
            return true;
        } catch (UndecodableAttributeException e) {
            // The stored entry is left alone (a rollback of the class may make it readable again)
            // and this request carries on with a fresh session.
            UndecodableSessionLog.report(SessionIds.logTag(requestedId), e, LOG, runtime.metrics());
            values.clear();
            undecoded.clear();
            return false;
        }
    }

    private boolean present(String name) {
        return values.containsKey(name) || undecoded.contains(name);
    }

    /**
     * An attribute's value, decoded on its first read. Stored bytes that cannot be decoded
     * make the session empty right there, before the application sees anything of them, as
     * if the load had found nothing: the stored entry is left alone (a rollback of the class
     * may make it readable again), this request carries on with a fresh session under a new
     * id, and what it changed before this read goes with the session it changed.
     */
    private Object value(String name) {
        if (undecoded.contains(name)) {
            try {
                values.put(name, codec.decode(name, baseline.get(name)));
                undecoded.remove(name);
            } catch (UndecodableAttributeException e) {
                UndecodableSessionLog.report(SessionIds.logTag(storedId), e, LOG, runtime.metrics());
                requestedIdUnknown = requestedId != null;
                startFresh();
                return null;
            }
        }
        return values.get(name);
    }

    /** Every value, for whoever sees them all. */
    private void decodeAll() {
        for (String name : List.copyOf(undecoded)) {
            value(name);
        }
    }

    /**
     * The value an attribute held before this request replaces or removes it: decoded only
     * when a listener is told about it, else its stored bytes are simply dropped.
     */
    private Object replaced(String name) {
        if (events == SessionEvents.NONE && undecoded.remove(name)) {
            return null;
        }
        return value(name);
    }

    /**
     * Values of these (final, immutable) classes cannot change in place, so reading one gives
     * the save nothing to re-encode.
     */
    private static boolean isImmutable(Object value) {
        Class<?> type = value.getClass();
        return type == String.class || type == Integer.class || type == Long.class || type == Boolean.class
                || type == Double.class || type == Float.class || type == Short.class || type == Byte.class
                || type == Character.class || type == BigInteger.class || type == BigDecimal.class
                || type == java.util.UUID.class || type == Instant.class || type == java.time.LocalDate.class
                || type == java.time.LocalDateTime.class || type == java.time.OffsetDateTime.class
                || type == java.time.ZonedDateTime.class || type == Duration.class;
    }

    private void startFresh() {
        createdEventSent = false;
        storedOwner = null;
        storedId = null;
        storedVersion = null;
        id = null;
        values.clear();
        undecoded.clear();
        baseline.clear();
        exposed.clear();
        sizes.clear();
        Instant now = clock.instant();
        created = now;
        lastAccess = now;
        expires = now.plus(lifetime);
    }

    /**
     * The most bytes this session may take: {@code SESSION_MAX_SIZE}, or the store's own limit
     * where that is lower.
     */
    private long sizeLimit() {
        return Math.min(runtime.settings().maxSessionBytes(), runtime.activeBackend().maxSessionBytes());
    }

    /** The session's size as the size limit measures it, after {@link #withinSizeLimit}. */
    private long totalSize() {
        long total = 0;
        for (long size : sizes.values()) {
            total += size;
        }
        return total;
    }

    /** An attribute's share of the session, as {@link SessionBackend#maxSessionBytes()} counts it. */
    private static long measure(String name, int valueBytes) {
        return (long) name.getBytes(StandardCharsets.UTF_8).length + valueBytes + SessionBackend.BYTES_PER_ATTRIBUTE;
    }

    /** Refuses a put that would make the session too big, before anything of it is kept. */
    private void checkSize(String name, long size) {
        long total = size;
        for (Map.Entry<String, Long> other : sizes.entrySet()) {
            if (!other.getKey().equals(name)) {
                total += other.getValue();
            }
        }
        long limit = sizeLimit();
        if (total > limit) {
            throw new SessionTooLargeException(name, size, total, limit);
        }
    }

    /**
     * The session as it will be written, within the size limit. Values changed in place are
     * only measured here, when it is too late to refuse them to the application: the largest
     * changed attributes are then put back to what the store holds (or left out, if new) until
     * the session fits, with one log line. The response goes on; the rest of the change is saved.
     */
    private Map<String, byte[]> withinSizeLimit(Map<String, byte[]> current) {
        long total = 0;
        for (Map.Entry<String, byte[]> attribute : current.entrySet()) {
            total += measure(attribute.getKey(), attribute.getValue().length);
        }
        long limit = sizeLimit();
        if (total > limit) {
            long measured = total;
            List<String> changed = current.keySet().stream()
                    .filter(name -> !Arrays.equals(current.get(name), baseline.get(name)))
                    .sorted(Comparator.comparingInt((String name) -> current.get(name).length).reversed())
                    .toList();
            List<String> dropped = new ArrayList<>();
            for (String name : changed) {
                if (total <= limit) {
                    break;
                }
                total -= measure(name, current.get(name).length);
                byte[] stored = baseline.get(name);
                if (stored == null) {
                    current.remove(name);
                    values.remove(name);
                } else {
                    current.put(name, stored);
                    values.put(name, codec.decode(name, stored));
                    total += measure(name, stored.length);
                }
                exposed.remove(name);
                dropped.add(name);
            }
            if (!dropped.isEmpty()) { // else: stored before the limit was lowered, and unchanged
                String tag = id == null ? "(new)" : SessionIds.logTag(id);
                LOG.warning(() -> "Session " + tag + " would be " + measured + " bytes, over the limit of " + limit
                        + " bytes (SESSION_MAX_SIZE, or the store's own item limit where lower): the change to "
                        + dropped + " made in place was not saved; the stored value is kept");
            }
        }
        sizes.clear();
        current.forEach((name, bytes) -> sizes.put(name, measure(name, bytes.length)));
        return current;
    }

    private static boolean isReserved(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }

    private static boolean isBean(String name) {
        return name.startsWith(BEAN_PREFIX);
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

    /**
     * Stores keep names as UTF-8, where a lone surrogate becomes '?': the value would come back
     * under another name, or collide with one.
     */
    private static void checkUnicode(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("Session attribute name is not valid Unicode: a lone surrogate \\u"
                        + Integer.toHexString(c) + " at index " + i + " (names are stored as UTF-8)");
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "ServerSession[" + (id == null ? "new" : SessionIds.logTag(id)) + ", "
                + (loaded ? attributeNames() : "not loaded") + "]";
    }
}

package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.OWNER;
import static dev.serversessions.internal.session.AttributeNames.checkName;
import static dev.serversessions.internal.session.AttributeNames.checkUnicode;
import static dev.serversessions.internal.session.AttributeNames.isReserved;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One request's view of its session, and the one place that holds the request rules: load
 * lazily, track what changed, and turn it into a single {@link ChangeSet} when saved. Each
 * concern is a part beside it: the attributes and their change tracking
 * ({@link SessionAttributes}), which session this is ({@link SessionIdentity}), its times
 * ({@link SessionExpiry}), the locks the request holds ({@link HeldLocks}), and who the session
 * belongs to ({@link SessionOwner}). The parts hold no lock of their own: this object's monitor
 * guards them all, and they never call one another. {@code docs/design.md} tells the whole story.
 *
 * <p>Nothing touches the store until a method needs the stored data. {@link #save()} may run
 * more than once per request (before the response commits, then at the end): each run writes
 * only what changed since the one before, so late changes still reach the store.
 */
public final class RequestSession implements ServerSession {
    /** Names starting with this are the library's own, hidden from the application ({@link AttributeNames}). */
    public static final String RESERVED_PREFIX = AttributeNames.RESERVED_PREFIX;
    /** Attributes holding {@code @ServerSessionScoped} beans. */
    public static final String BEAN_PREFIX = AttributeNames.BEAN_PREFIX;
    /** The authenticated caller ({@link Caller}). */
    public static final String CALLER = AttributeNames.CALLER;
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionRuntime runtime;
    private final Clock clock;
    private final SessionAttributes attributes;
    private final SessionIdentity identity;
    private final SessionExpiry expiry;
    private final HeldLocks locks;
    private final SessionOwner owner;

    private boolean loaded;
    /** The session an invalidate ends at the next save, with its owner, so that its index entry goes too. */
    private PendingDelete pendingDelete;
    private boolean expireCookie;
    private SessionEvents events = SessionEvents.NONE;
    private boolean createdEventSent;
    private SessionStoreUnavailableException failure;
    private SessionConflictException conflict;
    /** Counts changes made through this object's methods (not in place), so callers can skip a needless save. */
    private int modifications;

    private record PendingDelete(String id, String owner) {
    }

    RequestSession(SessionRuntime runtime, String requestedId) {
        this(runtime, requestedId, requestedId == null ? IdSource.NONE : IdSource.COOKIE);
    }

    RequestSession(SessionRuntime runtime, String requestedId, IdSource source) {
        this.runtime = runtime;
        this.clock = runtime.clock();
        // SESSION_MAX_SIZE, or the store's own limit where that is lower
        this.attributes = new SessionAttributes(runtime.codec(),
                () -> Math.min(runtime.settings().maxSessionBytes(), runtime.activeBackend().maxSessionBytes()));
        this.identity = new SessionIdentity(runtime.ids(), runtime.retiredIds(), requestedId, source,
                runtime.settings().idHeader().isPresent());
        this.expiry = new SessionExpiry(attributes, runtime.settings());
        this.locks = new HeldLocks(runtime, this);
        this.owner = new SessionOwner(attributes, runtime.userSessions(), runtime.callerKey());
    }

    /** Lets the web layer tell listeners what happens to this session. */
    public synchronized void listenWith(SessionEvents events) {
        this.events = events;
    }

    /** The well-formed (and correctly signed) id the client sent, or null. */
    public String requestedId() {
        return identity.requestedId();
    }

    /** Where the client carries its id ({@link SessionIdentity#source}). */
    public enum IdSource { NONE, COOKIE, HEADER }

    /** Where the id of this request came from. */
    public IdSource idSource() {
        return identity.source();
    }

    /** Whether the response tells the client its id in the session cookie ({@link SessionIdentity#answersInCookie}). */
    public boolean answersInCookie() {
        return identity.answersInCookie();
    }

    /** Whether the response tells the client its id in the header ({@link SessionIdentity#answersInHeader}). */
    public boolean answersInHeader() {
        return identity.answersInHeader();
    }

    /** How many times the application changed the session through its methods (not in place: the save finds those). */
    public synchronized int modifications() {
        return modifications;
    }

    /** Whether anything has touched the session in this request. */
    public synchronized boolean isTouched() {
        return loaded;
    }

    // ---- 1. Load: nothing before the first use, then the stored session or a fresh one ----

    private void load() {
        if (loaded) {
            return;
        }
        locks.throwIfRefused(); // the application caught it once: it does not wait a second time
        String requestedId = identity.requestedId();
        if (requestedId != null) {
            Instant now = clock.instant();
            Optional<StoredSession> stored;
            try {
                locks.take(requestedId);
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
            if (stored.isPresent() && adopt(stored.get(), now)) {
                return;
            }
        }
        loaded = true;
        startFresh(true);
    }

    /**
     * Takes a stored session, decoding now only what every request needs of it. Undecodable data
     * is left alone in the store (a rollback of the class may make it readable again): false, and
     * the request carries on with a fresh session.
     */
    private boolean adopt(StoredSession stored, Instant now) {
        try {
            attributes.load(stored.attributes(), AttributeNames::decodedAtLoad);
        } catch (UndecodableAttributeException e) {
            UndecodableSessionLog.report(SessionIds.logTag(identity.requestedId()), e, LOG, runtime.metrics());
            return false;
        }
        identity.found(stored);
        expiry.loaded(stored.created(), stored.expires(), now);
        owner.loaded();
        return true;
    }

    /**
     * An attribute's value, decoded on its first read. Stored bytes that cannot be decoded
     * make the session empty right there, before the application sees anything of them, as
     * if the load had found nothing: what this request changed before goes with it.
     */
    private Object value(String name) {
        try {
            return attributes.read(name);
        } catch (UndecodableAttributeException e) {
            UndecodableSessionLog.report(SessionIds.logTag(identity.storedId()), e, LOG, runtime.metrics());
            startFresh(true);
            return null;
        }
    }

    /** Every value, for whoever sees them all. */
    private void decodeAll() {
        attributes.undecodedNames().forEach(this::value);
    }

    /** The value an attribute held before this request replaces or removes it: decoded only for a listener. */
    private Object replaced(String name) {
        if (events == SessionEvents.NONE && attributes.dropUndecoded(name)) {
            return null;
        }
        return value(name);
    }

    /** Forgets the stored session: this request goes on with a new, empty one. */
    private void startFresh(boolean requestedLost) {
        createdEventSent = false;
        identity.startNew(requestedLost);
        attributes.clear();
        owner.forgetStored();
        expiry.fresh(clock.instant());
    }

    // ---- 2. What the application does: attributes ----

    @Override
    public synchronized Object get(String name) {
        load();
        Object value = value(name);
        attributes.handedOut(name, value);
        return value;
    }

    @Override
    public synchronized <T> T get(String name, Class<T> type) {
        Object value = get(name);
        return value == null || type.isInstance(value) ? type.cast(value) : attributes.convert(name, value, type);
    }

    @Override
    public synchronized void put(String name, Object value) {
        checkName(name);
        checkUnicode(name);
        if (value == null) {
            remove(name);
            return;
        }
        byte[] encoded = attributes.encodeForPut(name, value);
        load();
        long size = attributes.checkSize(name, encoded);
        Object old = replaced(name);
        modifications++;
        announceCreation();
        attributes.put(name, value, size);
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
        attributes.remove(name);
        if (old != null) {
            events.attributeRemoved(this, name, old);
        }
    }

    @Override
    public synchronized boolean contains(String name) {
        load();
        return !isReserved(name) && attributes.present(name);
    }

    @Override
    public synchronized Set<String> names() {
        load();
        // Who lists the names reads the values next (an HttpSession dump, a JSON view): decoding
        // them all first lets undecodable data empty the session before any of it is seen.
        decodeAll();
        return attributes.applicationNames();
    }

    /** Removes every attribute, the beans of {@code @ServerSessionScoped} included. */
    @Override
    public synchronized void clear() {
        load();
        attributes.applicationNames().forEach(this::remove);
        attributes.forgetAll(AttributeNames::isBean);
    }

    /** The stored instance of a {@code @ServerSessionScoped} bean, or null; read like {@link #get}, so its changes are saved. */
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
        attributes.checkEncodable(name, instance);
        load();
        modifications++;
        announceCreation();
        attributes.set(name, instance);
    }

    /** Removes a {@code @ServerSessionScoped} bean's instance; absent is not an error. */
    public synchronized void removeBean(String key) {
        load();
        modifications++;
        attributes.forget(BEAN_PREFIX + key);
    }

    // ---- 2. What the application does: identity and login ----

    @Override
    public synchronized String id() {
        load();
        return identity.id();
    }

    @Override
    public synchronized boolean isNew() {
        load();
        return identity.storedId() == null;
    }

    @Override
    public synchronized void regenerate() {
        load();
        modifications++;
        String old = identity.idIfAny();
        Optional<Caller> caller = owner.verified(value(CALLER), old);
        identity.regenerate();
        owner.renamed(caller, identity.idIfAny());
        if (old != null && identity.storedId() != null) {
            events.idChanged(this, old);
        }
    }

    @Override
    public synchronized void invalidate() {
        String requestedId = identity.requestedId();
        if (!loaded && requestedId != null) {
            locks.take(requestedId); // SESSION_LOCKING: a blind delete waits for the session's holder too
        }
        modifications++;
        String doomed = loaded ? identity.storedId() : requestedId;
        if (events.listensToInvalidation()) {
            // listeners see the session as it was: destroyed first, then every attribute unbound
            load();
            decodeAll(); // may find the stored data undecodable: then there is nothing to destroy
            doomed = identity.storedId();
            events.destroying(this);
            for (String name : attributes.applicationNames()) {
                events.attributeRemoved(this, name, attributes.decoded(name));
            }
        }
        if (doomed != null) {
            pendingDelete = new PendingDelete(doomed, doomed.equals(identity.storedId()) ? owner.storedOwner() : null);
            expireCookie = true;
        }
        loaded = true;
        startFresh(false);
    }

    /** The authenticated caller this session holds, if its record passes the check ({@link SessionOwner#caller}). */
    public synchronized Optional<Caller> caller() {
        load();
        return owner.caller(value(CALLER), identity.idIfAny());
    }

    /**
     * Records a successful authentication: the caller is stored with the session, which gets a
     * new id (against session fixation: an id known before the login never carries it).
     */
    public synchronized void logIn(Caller caller) {
        load();
        owner.admit(caller.name(), identity.storedId());
        announceCreation();
        owner.loggingIn();
        regenerate();
        owner.loggedIn(caller, identity.idIfAny());
    }

    /** Whether the session holds a caller record (checked or not), or null while not loaded: asking costs no store call. */
    public synchronized Boolean holdsCallerIfLoaded() {
        return loaded ? owner.holdsCaller() : null;
    }

    /** Forgets the authenticated caller; the rest of the session stays. */
    public synchronized void logOut() {
        load();
        modifications++;
        owner.loggedOut();
    }

    @Override
    public synchronized String owner() {
        load();
        return owner.owner();
    }

    @Override
    public synchronized void setOwner(String owner) {
        load();
        if (Objects.equals(owner, owner())) {
            return;
        }
        modifications++;
        if (owner != null) {
            checkUnicode(owner);
            this.owner.admit(owner, identity.storedId());
            announceCreation();
        }
        this.owner.setOwner(owner);
    }

    /** The id the store knows this session by, without loading it or making one up; null if none. */
    synchronized String storedIdIfLoaded() {
        return loaded ? identity.storedId() : null;
    }

    /** Tells listeners about a new session once, when it first gets something to keep. */
    public synchronized void announceCreation() {
        load();
        if (identity.storedId() == null && !createdEventSent) {
            createdEventSent = true;
            events.created(this);
        }
    }

    // ---- 2. What the application does: lifetime ----

    @Override
    public synchronized boolean isPermanent() {
        load();
        return expiry.isPermanent();
    }

    @Override
    public synchronized void setPermanent(boolean permanent) {
        load();
        modifications++;
        expiry.setPermanent(permanent);
    }

    /** Seconds of inactivity after which the session expires; {@code <= 0}: never. */
    public synchronized int maxInactiveSeconds() {
        load();
        return expiry.maxInactiveSeconds();
    }

    /** Gives this session its own inactivity limit ({@code HttpSession.setMaxInactiveInterval}); {@code <= 0}: never. */
    public synchronized void setMaxInactiveSeconds(int seconds) {
        load();
        modifications++;
        expiry.setMaxInactiveSeconds(seconds);
    }

    @Override
    public synchronized Instant creationTime() {
        load();
        return expiry.created();
    }

    @Override
    public synchronized Instant lastAccessTime() {
        load();
        return expiry.lastAccess();
    }

    @Override
    public synchronized Instant expiryTime() {
        load();
        return expiry.expires();
    }

    // ---- 3. Save: one change set for what changed, and what the cookie must say ----

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
        locks.throwIfRefused(); // never written without the lock: the caller answers 503
        if (conflict != null) {
            throw conflict; // the same for a conflict: the caller answers 409
        }
        if (!loaded) {
            return CookieAction.NONE; // lazy: an untouched session costs nothing
        }
        SessionBackend backend = runtime.activeBackend();
        deletePending(backend);
        SessionOwner.IndexUpdate index = owner.prepareIndex(identity.storedId() == null || identity.renamePending(),
                clock.instant(), expiry.lifetime());
        Map<String, byte[]> current = attributes.toWrite(() -> identity.idIfAny() == null ? "(new)" : SessionIds.logTag(identity.idIfAny()));
        if (current.keySet().stream().noneMatch(AttributeNames::keepsSessionAlive)) {
            return saveEmpty(backend);
        }
        Instant now = clock.instant();
        String idBefore = identity.storedId();
        boolean idChanged = identity.renamePending() && rename(backend);
        boolean changed = true;
        Instant newExpiry;
        Instant storedExpiry = expiry.expires();
        if (identity.storedId() == null) {
            newExpiry = insert(backend, current, now);
            storedExpiry = newExpiry;
            idChanged = true;
        } else {
            Map<String, byte[]> put = attributes.changedIn(current);
            Set<String> removed = attributes.removedIn(current);
            changed = !put.isEmpty() || !removed.isEmpty();
            newExpiry = expiry.next(now, changed || idChanged);
            if (changed) {
                storedExpiry = update(backend, put, removed, newExpiry);
            } else if (expiry.touchDue(newExpiry, idChanged)) {
                if (!identity.touch(backend, newExpiry)) {
                    // invalidated by another request since this one loaded it: its cookie is dead
                    startFresh(false);
                    return CookieAction.NONE;
                }
                if (!idChanged) {
                    runtime.metrics().slid();
                }
                storedExpiry = newExpiry;
            }
        }
        attributes.written(current);
        owner.saved(idBefore, identity.storedId(), index);
        expiry.stored(storedExpiry);
        expireCookie = false;
        boolean permanent = isPermanent();
        if (!idChanged && identity.storedRetiredElsewhere()) {
            // Another request of this server retired the id after this one loaded it: re-sending
            // it could overwrite the new cookie the browser just got with a dead id.
            return CookieAction.NONE;
        }
        return idChanged || expiry.cookieDue(permanent, changed)
                ? CookieAction.send(identity.idIfAny(), permanent, newExpiry) : CookieAction.NONE;
    }

    /** Ends the session an invalidate asked to end. */
    private void deletePending(SessionBackend backend) {
        if (pendingDelete != null) {
            identity.deleteFollowingRenames(backend, pendingDelete.id());
            runtime.metrics().invalidated();
            owner.deleted(pendingDelete.owner(), pendingDelete.id());
            pendingDelete = null;
        }
    }

    /** A session left with nothing worth keeping is not stored, or no longer. */
    private CookieAction saveEmpty(SessionBackend backend) {
        String storedId = identity.storedId();
        if (storedId != null && identity.storedRenamedElsewhere()) {
            // a login renamed it after we loaded it: expiring the cookie would log the user out
            throw conflict("was given a new id by another request while this one cleared it");
        }
        if (storedId != null) {
            identity.delete(backend);
            owner.deleted(owner.storedOwner(), storedId);
            expireCookie = true;
            startFresh(false);
        }
        return expireCookie ? CookieAction.EXPIRE : CookieAction.NONE;
    }

    /** Renames the stored session to the id a regenerate gave it; true, or a conflict. */
    private boolean rename(SessionBackend backend) {
        locks.take(identity.idIfAny()); // handed over: the first request with the new cookie waits for this one
        if (!identity.rename(backend)) {
            // It existed when loaded, so another request invalidated it or gave it a new id:
            // storing it again under our new id would bring a logged-out session back.
            throw conflict("was invalidated or given a new id by another request while this one regenerated it");
        }
        runtime.metrics().regenerated();
        return true;
    }

    /** Stores a new session; returns its expiry. */
    private Instant insert(SessionBackend backend, Map<String, byte[]> current, Instant now) {
        if (identity.requestedRenamedElsewhere()) {
            // The cookie's session was renamed (a login) after the client sent it: a new
            // session and its cookie would replace the login's cookie and log the user out.
            throw conflict("was given a new id by another request before this one could change it");
        }
        Instant newExpiry = now.plus(expiry.lifetime());
        locks.take(identity.id()); // the cookie may reach the client before this request's last save
        identity.insert(backend, new ChangeSet(current, Set.of(), expiry.created(), newExpiry, true));
        runtime.metrics().saved(attributes.totalSize());
        return newExpiry;
    }

    /** Writes the changes to a stored session, as long as it still exists; returns the expiry the store holds. */
    private Instant update(SessionBackend backend, Map<String, byte[]> put, Set<String> removed, Instant newExpiry) {
        try {
            if (identity.update(backend, put, removed, expiry.created(), newExpiry)) {
                runtime.metrics().saved(attributes.totalSize());
                return newExpiry;
            }
        } catch (SessionTooLargeException e) {
            // Concurrent requests grew the stored session meanwhile, past what the store takes:
            // this request's change is dropped, the stored session is kept, and the response goes
            // on; the baseline the save keeps stops a later save from trying again.
            LOG.warning(() -> "Session " + SessionIds.logTag(identity.storedId()) + ": " + e.getMessage());
            return expiry.expires();
        }
        // Vanished since loaded: a late save must not resurrect it, and the cookie belongs to
        // the request that invalidated or renamed it.
        throw conflict("was invalidated or given a new id by another request while this one changed it");
    }

    /** Drops this request's changes and remembers why, so that every later save says so too. */
    private SessionConflictException conflict(String what) {
        String tag = identity.logTag();
        LOG.info(() -> "Session " + tag + " " + what + "; this request's changes were not saved");
        startFresh(false);
        conflict = new SessionConflictException("The session " + what + "; this request's changes were not saved. "
                + "Retry the request with the current session cookie.");
        return conflict;
    }

    /** Releases the locks this request took ({@link HeldLocks#release}), once its last save has run, whether it succeeded or not. */
    public synchronized void releaseLocks() {
        locks.release();
    }

    @Override
    public synchronized String toString() {
        String id = identity.idIfAny();
        return "ServerSession[" + (id == null ? "new" : SessionIds.logTag(id)) + ", "
                + (loaded ? attributes.applicationNames() : "not loaded") + "]";
    }
}

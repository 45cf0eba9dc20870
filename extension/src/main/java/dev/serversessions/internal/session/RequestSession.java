package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.checkName;
import static dev.serversessions.internal.session.AttributeNames.checkUnicode;
import static dev.serversessions.internal.session.AttributeNames.isReserved;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One request's view of its session, and the one place that tells the request rules in order:
 * load lazily, follow what the application does, and save what changed as one {@link ChangeSet}.
 * Each concern is a part beside it, guarded by this object's monitor: {@link SessionAttributes},
 * {@link SessionIdentity}, {@link SessionExpiry}, {@link SessionOwner}, {@link SessionLogin},
 * {@link SessionBeans}, {@link HeldLocks}, {@link LockFreeCaller}, {@link StoreCalls}, {@link ListenerCalls},
 * {@link SessionRefusal} ({@code docs/design.md}).
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
    private final LockFreeCaller lockFree;
    private final SessionOwner owner;
    private final SessionLogin login;
    private final SessionBeans beans;
    private final StoreCalls store;
    private final ListenerCalls listeners = new ListenerCalls(this);

    private boolean loaded;
    private boolean expireCookie;
    private final SessionRefusal refusal = new SessionRefusal();
    /** Counts changes made through this object's methods (not in place), so callers can skip a needless save. */
    private int modifications;
    private boolean invalidated;

    RequestSession(SessionRuntime runtime, String requestedId) {
        this(runtime, requestedId, requestedId == null ? IdSource.NONE : IdSource.COOKIE);
    }

    RequestSession(SessionRuntime runtime, String requestedId, IdSource source) {
        this.runtime = runtime;
        this.clock = runtime.clock();
        // SESSION_MAX_SIZE, or the store's own limit where that is lower
        this.attributes = new SessionAttributes(runtime.codec(),
                () -> Math.min(runtime.settings().maxSessionBytes(), runtime.activeBackend().maxSessionBytes()), this::undecodable);
        this.identity = new SessionIdentity(runtime.ids(), runtime.retiredIds(), requestedId, source,
                runtime.settings().idHeader().isPresent());
        this.expiry = new SessionExpiry(attributes, runtime.settings());
        this.locks = new HeldLocks(runtime, this);
        this.lockFree = new LockFreeCaller(runtime);
        this.owner = new SessionOwner(attributes, runtime.userSessions(), runtime.recordSigner(), identity::id);
        this.login = new SessionLogin(this, owner, identity, runtime.settings().logoutKeepsAttributes());
        this.beans = new SessionBeans(this, attributes);
        this.store = new StoreCalls(identity, attributes, expiry, locks, owner, runtime::metrics);
    }

    /** Lets the web layer tell listeners what happens to this session. */
    public synchronized void listenWith(SessionEvents events) {
        listeners.listenWith(events);
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

    void load() {
        locks.progress(); // SESSION_LOCKING: a use of the session is progress, which keeps its lock renewed
        if (loaded) {
            return;
        }
        locks.throwIfRefused(); // the application caught it once: it does not wait a second time
        refusal.throwIfConflict(); // the login it was let in as ended before its first use (LockFreeCaller)
        loadStored();
        String changed = lockFree.changedSince(() -> owner.caller(attributes.read(CALLER), identity.idIfAny()));
        if (changed != null) {
            loaded = false; // every later use fails the same way
            throw conflict(changed);
        }
    }

    private void loadStored() {
        if (identity.requestedId() != null) {
            boolean adopted;
            try {
                adopted = store.load(runtime.activeBackend(), identity.requestedId(), clock.instant());
            } catch (SessionStoreUnavailableException e) {
                refusal.storeFailed(e);
                throw e;
            }
            loaded = true;
            if (adopted) {
                return;
            }
        }
        loaded = true;
        startFresh(true);
    }

    /**
     * Stored bytes that cannot be decoded at their first read make the session empty right
     * there, as if the load had found nothing: the stored entry is left alone (a rollback of the
     * class may make it readable again), this request carries on with a fresh session under a
     * new id, and what it changed before this read goes with the session it changed.
     */
    private void undecodable(UndecodableAttributeException e) {
        UndecodableSessionLog.report(SessionIds.logTag(identity.storedId()), e, LOG, runtime.metrics());
        startFresh(true);
    }

    /** Forgets the stored session: this request goes on with a new, empty one. */
    private void startFresh(boolean requestedLost) {
        listeners.fresh();
        identity.startNew(requestedLost);
        attributes.clear();
        owner.forgetStored();
        expiry.fresh(clock.instant());
    }

    /** Loads the session for a change made through one of its methods, and counts it ({@link #modifications}). */
    void changing() {
        load();
        modifications++;
    }

    // ---- 2. What the application does: attributes, beans, identity and login, lifetime ----

    @Override
    public synchronized Object get(String name) {
        load();
        return attributes.handOut(name);
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
        Object old = attributes.replaced(name, listeners.listening());
        modifications++;
        announceCreation();
        attributes.put(name, value, size);
        listeners.put(name, old, value);
    }

    @Override
    public synchronized void remove(String name) {
        checkName(name);
        changing();
        Object old = attributes.replaced(name, listeners.listening());
        attributes.remove(name);
        listeners.removed(name, old);
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
        attributes.readAll();
        return attributes.applicationNames();
    }

    /** Removes every attribute, the beans of {@code @ServerSessionScoped} included. */
    @Override
    public synchronized void clear() {
        load();
        attributes.applicationNames().forEach(this::remove);
        attributes.forgetAll(AttributeNames::isBean);
    }

    /** The instances of {@code @ServerSessionScoped} and {@code @SessionScoped} beans this session keeps. */
    public SessionBeans beans() {
        return beans;
    }

    /** Whether the application invalidated the session in this request (the session is a fresh one since). */
    public synchronized boolean wasInvalidated() {
        return invalidated;
    }

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
        changing();
        String old = identity.idIfAny();
        Optional<Caller> caller = owner.verified(attributes.read(CALLER), old);
        Object ownerBefore = owner.ownerBeforeRename();
        identity.regenerate();
        owner.renamed(caller, ownerBefore, identity.idIfAny());
        if (old != null && identity.storedId() != null) {
            listeners.idChanged(old);
        }
    }

    @Override
    public synchronized void invalidate() {
        String requestedId = identity.requestedId();
        if (!loaded && requestedId != null) {
            locks.take(requestedId); // SESSION_LOCKING: a blind delete waits for the session's holder too
        }
        modifications++;
        invalidated = true;
        String doomed = loaded ? identity.storedId() : requestedId;
        if (listeners.listenToInvalidation()) {
            // listeners see the session as it was: destroyed first, then every attribute unbound
            load();
            attributes.readAll(); // may find the stored data undecodable: then there is nothing to destroy
            doomed = identity.storedId();
            listeners.destroying(attributes::applicationNames, attributes::decoded);
        }
        if (doomed != null) {
            store.invalidated(doomed, doomed.equals(identity.storedId()) ? owner.storedOwner() : null);
            expireCookie = true;
        }
        loaded = true;
        startFresh(false);
    }

    /** The authenticated caller this session holds, if its record passes the check ({@link SessionOwner#caller}). */
    public synchronized Optional<Caller> caller() {
        if (!loaded && lockFree.applies(identity)) {
            return lockFree.read(identity, refusal::storeFailed); // SESSION_LOCKING: who is logged in takes no lock
        }
        load();
        return owner.caller(attributes.read(CALLER), identity.idIfAny());
    }

    /** Records a successful authentication, under a new id ({@link SessionLogin#logIn}). */
    public synchronized void logIn(Caller caller) {
        lockFree.forget(); // a change of login: whoever was let in before does not bind it
        load();
        login.logIn(caller);
    }

    /** Whether the session holds a caller record (checked or not), or null while not loaded: asking costs no store call. */
    public synchronized Boolean holdsCallerIfLoaded() {
        return loaded ? Boolean.valueOf(owner.holdsCaller()) : lockFree.foundNoCaller() ? Boolean.FALSE : null;
    }

    /** Whether the session holds attribute {@code name}; read without the lock where the caller was (no lock taken). */
    public synchronized boolean mayHold(String name) {
        return !loaded && lockFree.wasRead() ? lockFree.held(name) : contains(name);
    }

    /** Ends the login this session holds, and with it the session or its id ({@link SessionLogin#logOut}). */
    public synchronized void logOut() {
        lockFree.forget();
        load();
        if (login.logOut()) {
            modifications++;
        }
    }

    @Override
    public synchronized String owner() {
        load();
        return owner.owner();
    }

    /** The application's own login and logout ({@link SessionLogin#setOwner}). */
    @Override
    public synchronized void setOwner(String owner) {
        lockFree.forget();
        load();
        if (login.setOwner(owner)) {
            modifications++;
        }
    }

    /** The id the store knows this session by, without loading it or making one up; null if none. */
    synchronized String storedIdIfLoaded() {
        return loaded ? identity.storedId() : null;
    }

    /** Tells listeners about a new session once, when it first gets something to keep. */
    public synchronized void announceCreation() {
        load();
        listeners.created(identity.storedId() == null);
    }

    @Override
    public synchronized boolean isPermanent() {
        load();
        return expiry.isPermanent();
    }

    @Override
    public synchronized void setPermanent(boolean permanent) {
        changing();
        expiry.setPermanent(permanent);
    }

    /** Seconds of inactivity after which the session expires; {@code <= 0}: never. */
    public synchronized int maxInactiveSeconds() {
        load();
        return expiry.maxInactiveSeconds();
    }

    /** Gives this session its own inactivity limit ({@code HttpSession.setMaxInactiveInterval}); {@code <= 0}: never. */
    public synchronized void setMaxInactiveSeconds(int seconds) {
        changing();
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
        refusal.throwIfStoreFailed(); // the caller answers 503
        locks.throwIfRefused(); // never written without the lock: 503 too
        refusal.throwIfConflict(); // 409
        if (!loaded) {
            return CookieAction.NONE; // lazy: an untouched session costs nothing
        }
        locks.progress();
        if (locks.lapsed() != null && !store.pending(attributes.toWrite(identity::logTag))) {
            return CookieAction.NONE; // SESSION_LOCKING: the lock went (HeldLocks#lapsed), and there is nothing to write
        } else if (locks.lapsed() != null) {
            throw conflict("is no longer locked by this request, which " + locks.lapsed()); // never written over another holder's
        }
        SessionBackend backend = runtime.activeBackend();
        store.deleteInvalidated(backend);
        SessionOwner.IndexUpdate index = owner.prepareIndex(identity.storedId() == null || identity.renamePending(),
                clock.instant(), expiry.lifetime());
        Map<String, byte[]> current = attributes.toWrite(() -> identity.idIfAny() == null ? "(new)" : SessionIds.logTag(identity.idIfAny()));
        if (!AttributeNames.anyKeepsSessionAlive(current.keySet())) {
            return saveEmpty(backend);
        }
        String idBefore = identity.storedId();
        StoreCalls.Written written;
        try {
            written = store.write(backend, current, clock.instant());
        } catch (StoreCalls.RaceLost e) {
            throw conflict(e.getMessage());
        }
        if (written == null) {
            startFresh(false);
            return CookieAction.NONE;
        }
        owner.saved(idBefore, identity.storedId(), index);
        expiry.stored(written.storedExpiry());
        expireCookie = false;
        boolean permanent = isPermanent();
        if (!written.idChanged() && identity.storedRetiredElsewhere()) {
            // Another request of this server retired the id after this one loaded it: re-sending
            // it could overwrite the new cookie the browser just got with a dead id.
            return CookieAction.NONE;
        }
        return written.idChanged() || expiry.cookieDue(permanent, written.changed())
                ? CookieAction.send(identity.idIfAny(), permanent, written.newExpiry()) : CookieAction.NONE;
    }

    /** A session left with nothing worth keeping is not stored, or no longer: its cookie expires. */
    private CookieAction saveEmpty(SessionBackend backend) {
        if (identity.storedId() != null) {
            try {
                store.deleteEmpty(backend);
            } catch (StoreCalls.RaceLost e) {
                throw conflict(e.getMessage());
            }
            expireCookie = true;
            startFresh(false);
        }
        return expireCookie ? CookieAction.EXPIRE : CookieAction.NONE;
    }

    /** Drops this request's changes and remembers why, so that every later save says so too. */
    private SessionConflictException conflict(String what) {
        SessionConflictException conflict = refusal.conflict(identity.logTag(), what);
        startFresh(false);
        return conflict;
    }

    /** A thread of the container starts or stops working on this request ({@link HeldLocks#working}). */
    public synchronized void working(boolean start) {
        locks.working(start);
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

package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.CALLER;

import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code SESSION_LOCKING}: who is logged in, read without the session's lock, so that a request
 * of a logged-in user that never reads or writes its session (a static file, a page that only
 * asks who the caller is) takes no lock and waits for none. The login hook asks for the caller
 * on every such request; without locking the session's own load is lock-free anyway, so this
 * part is used only with locking on.
 *
 * <p>The read is one store load whose caller record is checked as the locked load checks it,
 * and kept apart from the session: nothing of it is handed to the application or saved. A
 * request that then reads or writes its session loads it again under its lock, so that no write
 * of the request that held the lock meanwhile is lost, and {@link #changedSince} compares the
 * caller found there with the one the request was let in as: if another request ended the login
 * or renamed the session in between (a logout, a login, a regenerate), the request must not go
 * on as that caller with that session, and fails visibly (409) instead.
 *
 * <p>Guarded by the monitor of its {@link RequestSession}.
 */
final class LockFreeCaller {
    private final SessionRuntime runtime;
    /** The caller the request was let in as, read without the lock; null until read. */
    private Optional<Caller> caller;
    /** The names the stored session held at that read (none if there was no session). */
    private Set<String> names = Set.of();
    /** Set once the load under the lock no longer has to find {@link #caller}. */
    private boolean checked;

    LockFreeCaller(SessionRuntime runtime) {
        this.runtime = runtime;
    }

    /** Whether the caller is read without the lock: with locking on, for a request that sent an id. */
    boolean applies(SessionIdentity identity) {
        return runtime.settings().locking() && identity.requestedId() != null;
    }

    /**
     * The caller the stored session holds, read without its lock (once per request). A store
     * that cannot be reached throws as the locked load would; bytes that cannot be read are no
     * caller here, and are reported by the locked load if the request gets that far.
     */
    Optional<Caller> read(SessionIdentity identity, Consumer<SessionStoreUnavailableException> storeFailed) {
        if (caller != null) {
            return caller;
        }
        String id = identity.requestedId();
        Optional<StoredSession> stored;
        try {
            stored = runtime.activeBackend().load(identity.key(id));
        } catch (MalformedSessionException e) {
            stored = Optional.empty();
        } catch (SessionStoreUnavailableException e) {
            storeFailed.accept(e); // the request is answered 503, as when its locked load fails
            throw e;
        }
        caller = Optional.empty();
        if (stored.isPresent()) {
            names = Set.copyOf(stored.get().attributes().keySet());
            byte[] record = stored.get().attributes().get(CALLER);
            if (record != null) {
                // checked (and a failed check logged) as a loaded session's record is; a record a
                // fallback key signed is signed again only in this throwaway copy
                SessionAttributes copy = new SessionAttributes(runtime.codec(), () -> Long.MAX_VALUE, e -> { });
                SessionOwner checker = new SessionOwner(copy, runtime.userSessions(), runtime.recordSigner(), () -> id);
                try {
                    caller = checker.caller(runtime.codec().decode(CALLER, record), id);
                } catch (UndecodableAttributeException e) {
                    caller = Optional.empty();
                }
            }
        }
        return caller;
    }

    /** Whether the caller was read without the lock in this request. */
    boolean wasRead() {
        return caller != null;
    }

    /** Whether the session as read without the lock held attribute {@code name}. */
    boolean held(String name) {
        return names.contains(name);
    }

    /**
     * Whether the read without the lock found no caller record at all (the login hint the
     * client sent is then stale): the hint may be cleared without loading the session.
     */
    boolean foundNoCaller() {
        return caller != null && !names.contains(CALLER);
    }

    /**
     * After the load under the lock: null if the caller it found is the one the request was let
     * in as (trivially so if none was read without the lock, or the request changes the login
     * itself), else why the request must not go on with its session.
     */
    String changedSince(Supplier<Optional<Caller>> loaded) {
        if (caller == null || checked || caller.equals(loaded.get())) {
            checked = true;
            return null;
        }
        return "was logged out, logged in again or given a new id by another request after this one was let in as its caller";
    }

    /**
     * A login, logout or change of owner in this request: it changes who holds the session
     * itself, so the caller read before does not have to be found at its load.
     */
    void forget() {
        checked = true;
    }
}

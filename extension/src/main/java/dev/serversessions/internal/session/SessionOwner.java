package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.CALLER;
import static dev.serversessions.internal.session.AttributeNames.OWNER;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Who a session belongs to: the signed caller record a login leaves, and the owner
 * ({@code UserSessions}) with its entry in the store's owner index, which a save keeps in step
 * with the session (indexed again before the entry runs out, moved with a new id, dropped with
 * a new owner or a deleted session), applying {@code SESSION_MAX_PER_USER} to a new owner. Both
 * are kept as attributes ({@link AttributeNames#CALLER}, {@link AttributeNames#OWNER}) of the
 * session's {@link SessionAttributes}, changed only through its methods.
 *
 * <p>With {@code SESSION_SECRET_KEY} both are signed for the session's id ({@link RecordSigner}):
 * the owner decides whose sessions {@code UserSessions} lists and revokes from this one, so an
 * owner value written into the store, or copied from another session, without a valid MAC is no
 * owner. The owner is stored as {@code [owner, indexedUntil, mac]} ({@code [owner, indexedUntil]}
 * without a key); the MAC covers the id and the owner, not the index bookkeeping. Values a
 * fallback key signed are signed again with the current key, and so saved.
 *
 * <p>Not thread-safe: its {@link RequestSession} calls it under its own monitor.
 */
final class SessionOwner {
    // the request rules log under one name, which operators and tests listen to
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final SessionAttributes attributes;
    private final StoreUserSessions users;
    private final RecordSigner signer;
    /** The session's current id, made up on first need: what the owner value is signed for. */
    private final Supplier<String> id;
    /** The id {@link #privateId()} last derived from, and its private id. */
    private String privateIdOf;
    private String privateId;
    private boolean badCallerLogged;
    /** The owner as the store holds it (after the last load or save), or null. */
    private String storedOwner;

    /** What a save does to the owner index: the owner it saves, and the index entry's new end, or null. */
    record IndexUpdate(String owner, Instant until) {
    }

    SessionOwner(SessionAttributes attributes, StoreUserSessions users, RecordSigner signer, Supplier<String> id) {
        this.attributes = attributes;
        this.users = users;
        this.signer = signer;
        this.id = id;
    }

    /** A stored {@code OWNER} value that passed its check: the owner, until when it is indexed, and whether a fallback key signed it. */
    private record OwnerValue(String name, long indexedUntil, boolean byFallback) {
    }

    /**
     * The owner a stored {@code OWNER} value of the session with private id {@code privateId}
     * names, or null for anything else or a MAC that fails.
     */
    static String ownerName(Object stored, String privateId, RecordSigner signer) {
        OwnerValue value = read(stored, privateId, signer);
        return value == null ? null : value.name();
    }

    private static OwnerValue read(Object stored, String privateId, RecordSigner signer) {
        if (!(stored instanceof List<?> list) || list.size() != (signer.signs() ? 3 : 2)
                || !(list.get(0) instanceof String name) || name.isEmpty() || !(list.get(1) instanceof String until)) {
            return null;
        }
        RecordSigner.Check check = RecordSigner.Check.CURRENT;
        if (signer.signs()) {
            check = privateId != null && list.get(2) instanceof String mac ? signer.check(mac, signed(privateId, name)) : RecordSigner.Check.FAILED;
        }
        if (check == RecordSigner.Check.FAILED) {
            return null;
        }
        return new OwnerValue(name, until.matches("\\d{1,18}") ? Long.parseLong(until) : 0, check == RecordSigner.Check.FALLBACK);
    }

    /**
     * What the owner's MAC covers: its version, the session's private id (all a listing of the
     * owner index knows of it) and the owner.
     */
    private static List<String> signed(String privateId, String owner) {
        return List.of("owner/2", privateId, owner);
    }

    /** The {@code OWNER} value of {@code owner}, indexed until {@code indexedUntil} (0: not yet, the save indexes it), signed for the current id. */
    private List<String> value(String owner, long indexedUntil) {
        String until = Long.toString(indexedUntil);
        return signer.signs() ? List.of(owner, until, signer.sign(signed(privateId(), owner))) : List.of(owner, until);
    }

    /** The {@code OWNER} value as stored, checked for the current id; null if none or if it fails. */
    private OwnerValue current() {
        Object stored = attributes.decoded(OWNER);
        return stored == null ? null : read(stored, privateId(), signer);
    }

    /** The current id's private id, derived again only when the id changed. */
    private String privateId() {
        String current = id.get();
        if (!current.equals(privateIdOf)) {
            privateId = SessionIds.privateId(current);
            privateIdOf = current;
        }
        return privateId;
    }

    /** The store holds the session as loaded; an owner a fallback key signed is signed again with the current one. */
    void loaded() {
        OwnerValue value = current();
        storedOwner = value == null ? null : value.name();
        if (value != null && value.byFallback()) {
            attributes.set(OWNER, value(value.name(), value.indexedUntil()));
        }
    }

    /** The session's owner, or null. */
    String owner() {
        OwnerValue value = current();
        return value == null ? null : value.name();
    }

    /**
     * Gives the session another owner, or none; the save indexes it. A new owner is first
     * {@link #admit admitted}, and the session then announced as one worth keeping.
     */
    void setOwner(String owner, String storedId, Runnable announce) {
        if (owner == null) {
            attributes.forget(OWNER);
            return;
        }
        AttributeNames.checkUnicode(owner);
        admit(owner, storedId);
        announce.run();
        attributes.set(OWNER, value(owner, 0));
    }

    /** The session is no longer stored (deleted, or the request starts a new one). */
    void forgetStored() {
        storedOwner = null;
    }

    String storedOwner() {
        return storedOwner;
    }

    /**
     * Refuses to make {@code owner} the owner of one more session beyond
     * {@code SESSION_MAX_PER_USER}, where that refuses; its current owner is always admitted.
     */
    void admit(String owner, String storedId) {
        if (!owner.equals(owner())) {
            users.refuseIfFull(owner, storedId == null ? null : SessionIds.privateId(storedId));
        }
    }

    /** Whether the session holds a caller record, checked or not. */
    boolean holdsCaller() {
        return attributes.present(CALLER);
    }

    /** Whether someone is logged in to the session: it holds a caller record (checked or not) or an owner. */
    boolean holdsLogin() {
        return holdsCaller() || owner() != null;
    }

    /**
     * Whether the session belongs to someone other than {@code user}: another owner, or a
     * caller record of another name or that fails its check for session {@code id} (a record
     * nobody can vouch for is nobody's to keep).
     */
    boolean heldByAnother(String user, String id) {
        String current = owner();
        if (current != null) {
            return !current.equals(user);
        }
        return holdsCaller() && !Caller.fromStored(attributes.read(CALLER), id, signer).map(Caller::name).filter(user::equals).isPresent();
    }

    /** Drops the caller record before a login regenerates the id: it is replaced, not signed again. */
    void loggingIn() {
        attributes.forget(CALLER);
    }

    /** Records a login under the session's new {@code id}: the caller, signed for it, owns the session. */
    void loggedIn(Caller caller, String id) {
        attributes.set(CALLER, caller.toStored(id, signer));
        if (!caller.name().equals(owner())) {
            attributes.set(OWNER, value(caller.name(), 0));
        }
    }

    /** Forgets the caller, and the owner with it: no longer one of the user's sessions. */
    void loggedOut() {
        attributes.forget(CALLER);
        attributes.forget(OWNER);
    }

    /**
     * The owner value as checked for the id it was signed for, before a regenerate gives the
     * session a new one (then {@link #renamed}); null if none passes.
     */
    Object ownerBeforeRename() {
        return current();
    }

    /**
     * Caller record and owner are bound to the id they were signed for: after a regenerate, signs
     * them again for the new one (the current id by now), as checked before it.
     */
    void renamed(Optional<Caller> verified, Object ownerBefore, String newId) {
        verified.ifPresent(c -> attributes.set(CALLER, c.toStored(newId, signer)));
        if (ownerBefore instanceof OwnerValue value) {
            attributes.set(OWNER, value(value.name(), value.indexedUntil()));
        }
    }

    /**
     * The caller a stored record names, if it passes its check for session {@code id}. A record
     * that fails (a MAC that does not match this session, or not the shape this library writes)
     * is ignored: the request is anonymous, and one line is logged with the id's tag.
     */
    Optional<Caller> caller(Object stored, String id) {
        if (stored == null) {
            return Optional.empty();
        }
        Optional<Caller.Checked> checked = Caller.check(stored, id, signer);
        if (checked.isEmpty() && !badCallerLogged) {
            badCallerLogged = true;
            LOG.warning(() -> "Session " + SessionIds.logTag(String.valueOf(id)) + " holds a caller record that fails its "
                    + (signer.signs() ? "MAC check (changed in the store, copied from another session, or signed with a key"
                            + " that is neither SESSION_SECRET_KEY nor one of SESSION_SECRET_KEY_FALLBACKS)" : "format check")
                    + ": ignored, the request is anonymous");
        }
        if (checked.isPresent() && checked.get().byFallback()) {
            attributes.set(CALLER, checked.get().caller().toStored(id, signer)); // signed again with the current key, saved with the request
        }
        return checked.map(Caller.Checked::caller);
    }

    /** The verified caller of a record signed for {@code oldId}, without logging a failed check. */
    Optional<Caller> verified(Object stored, String oldId) {
        return Caller.fromStored(stored, oldId, signer);
    }

    /**
     * When this save must (re)index the session under its owner: a new owner, a new id, or an
     * index entry that would run out before the session's expiry after this save. The entry
     * then gets twice the lifetime, so a session in steady use is indexed again about once per
     * lifetime, and every other request leaves the index alone.
     *
     * The new end goes into the {@code OWNER} value being saved, whose second part says until
     * when the entry lasts.
     *
     * @param newId whether the session is not stored yet or gets a new id in this save
     */
    IndexUpdate prepareIndex(boolean newId, Instant now, Duration lifetime) {
        OwnerValue value = current();
        if (value == null) {
            return new IndexUpdate(null, null);
        }
        String owner = value.name();
        long until = value.indexedUntil();
        boolean due = !owner.equals(storedOwner) || newId || now.plus(lifetime).toEpochMilli() > until;
        if (!due || !users.indexed()) {
            return new IndexUpdate(owner, null);
        }
        Instant newUntil = now.plus(lifetime).plus(lifetime);
        attributes.set(OWNER, value(owner, newUntil.toEpochMilli()));
        return new IndexUpdate(owner, newUntil);
    }

    /**
     * After a successful save: indexes the session under its owner where {@link #prepareIndex}
     * said so, forgets the entry of its old id or old owner, and on a new owner applies
     * {@code SESSION_MAX_PER_USER}.
     */
    void saved(String idBefore, String storedId, IndexUpdate update) {
        String owner = update.owner();
        Instant indexUntil = update.until();
        String ownerBefore = storedOwner;
        storedOwner = owner;
        boolean stale = ownerBefore != null && (!ownerBefore.equals(owner) || !storedId.equals(idBefore));
        if (indexUntil == null && !stale) {
            return; // the common case: no index call
        }
        if (!users.indexed()) {
            return;
        }
        if (indexUntil != null) {
            users.index().add(owner, SessionIds.privateId(storedId), indexUntil);
        }
        if (stale) {
            users.index().remove(ownerBefore, SessionIds.privateId(idBefore));
        }
        if (owner != null && !owner.equals(ownerBefore)) {
            users.revokeBeyondLimit(owner, SessionIds.privateId(storedId));
        }
    }

    /** A deleted session leaves its owner's index. */
    void deleted(String owner, String id) {
        if (owner != null) {
            users.unindex(owner, SessionIds.privateId(id));
        }
    }
}

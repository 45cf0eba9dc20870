package dev.serversessions.internal.session;

import java.util.Objects;

/**
 * What a change of who is logged in does to the session. A login gives it a new id (against
 * session fixation: an id known before the login never carries it) and, where another user
 * held it, ends it first, so that nothing of that user's reaches the new login. A logout ends
 * the session with its id and every attribute, as an invalidate does, or, with
 * {@code SESSION_LOGOUT_KEEPS_ATTRIBUTES}, forgets the login and keeps the attributes under a
 * new id; either way the id the client held loads no session afterwards. An application with a
 * login of its own says the same through {@code setOwner}: no owner is a logout, a new owner in
 * place of another a login as another user.
 *
 * <p>The session is ended, renamed and announced through its own methods
 * ({@link RequestSession#invalidate}, {@link RequestSession#regenerate},
 * {@link RequestSession#announceCreation}); who holds it is {@link SessionOwner}'s to say.
 * Guarded by the monitor of its {@link RequestSession}, which has loaded the session before
 * each call.
 */
final class SessionLogin {
    private final RequestSession session;
    private final SessionOwner owner;
    private final SessionIdentity identity;
    private final boolean logoutKeepsAttributes;

    SessionLogin(RequestSession session, SessionOwner owner, SessionIdentity identity, boolean logoutKeepsAttributes) {
        this.session = session;
        this.owner = owner;
        this.identity = identity;
        this.logoutKeepsAttributes = logoutKeepsAttributes;
    }

    /**
     * Records a successful authentication: the caller, signed for the session's new id, owns the
     * session. A login {@code SESSION_MAX_PER_USER} refuses changes nothing; a session another
     * user is logged in to (or whose caller record nobody can vouch for) ends first.
     */
    void logIn(Caller caller) {
        owner.admit(caller.name(), identity.storedId());
        if (owner.heldByAnother(caller.name(), identity.idIfAny())) {
            session.invalidate();
        }
        session.announceCreation();
        owner.loggingIn();
        session.regenerate();
        owner.loggedIn(caller, identity.idIfAny());
    }

    /**
     * Ends the login the session holds (its caller, its owner).
     *
     * @return whether there was one: a session nobody is logged in to is left as it is, so a
     *         second call (the container's {@code cleanSubject} after {@code request.logout()})
     *         changes nothing
     */
    boolean logOut() {
        if (!owner.holdsLogin()) {
            return false;
        }
        if (logoutKeepsAttributes) {
            owner.loggedOut();
            session.regenerate();
        } else {
            session.invalidate();
        }
        return true;
    }

    /**
     * Names the owner, for applications with a login of their own: no owner is a
     * {@link #logOut}, a new owner in place of another starts from an empty session, as a
     * {@link #logIn} as another user does (after {@code SESSION_MAX_PER_USER} admitted it: if
     * refused, the session stays as it was).
     *
     * @return whether the owner changed
     */
    boolean setOwner(String newOwner) {
        String current = owner.owner();
        if (Objects.equals(newOwner, current)) {
            return false;
        }
        if (newOwner == null) {
            return logOut();
        }
        if (current != null) {
            owner.admit(newOwner, identity.storedId());
            session.invalidate();
        }
        owner.setOwner(newOwner, identity.storedId(), session::announceCreation);
        return true;
    }
}

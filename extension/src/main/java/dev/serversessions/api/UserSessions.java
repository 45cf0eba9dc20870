package dev.serversessions.api;

import java.util.List;
import java.util.Optional;

/**
 * A user's sessions across every server: list them, log out everywhere, log out the other
 * devices ({@code @Inject UserSessions sessions;}).
 *
 * <p>A session belongs to a user (its <em>owner</em>) when a caller logged in to it (the
 * caller's name) or when the application named one ({@link ServerSession#setOwner}). A revoked
 * session is deleted from the store: the next request carrying its cookie, on any server, is
 * anonymous and without data, and a request still running on it cannot store it again.
 *
 * <p>Raw session ids never leave this API: sessions are named by their {@link UserSession#tag}.
 * The methods taking an {@code owner} are for administrators (an account locked after a
 * compromise); the application decides who may call them. The {@code ...Mine} methods act on
 * the owner of the current request's session only.
 */
public interface UserSessions {

    /** The owner of the current request's session, if it has one. */
    Optional<String> currentOwner();

    /** The live sessions of {@code owner}, least recently used first. */
    List<UserSession> list(String owner);

    /** The live sessions of the current session's owner; empty for an anonymous session. */
    List<UserSession> listMine();

    /**
     * Revokes {@code owner}'s session with this tag.
     *
     * @return false (and nothing revoked) if {@code owner} has no live session with this tag:
     * a forged tag, or one of another user's sessions
     */
    boolean revoke(String owner, String tag);

    /** {@link #revoke} for the current session's owner; false for an anonymous session. */
    boolean revokeMine(String tag);

    /**
     * Revokes every session of {@code owner}; if the current request's session is one of them,
     * it is invalidated too (its cookie expires with this response).
     *
     * @return how many sessions were revoked
     */
    int revokeAll(String owner);

    /** {@link #revokeAll} for the current session's owner: "log out everywhere". */
    int revokeAllMine();

    /**
     * Revokes every session of the current session's owner except the current one: "log out
     * the other devices".
     *
     * @return how many sessions were revoked
     */
    int revokeOthers();
}

package dev.serversessions.api;

import java.time.Instant;

/**
 * One live session of a user, as {@link UserSessions} lists it.
 *
 * @param tag        a short tag of the session id: derived from it by a one-way hash, so it
 *                   names the session (for {@link UserSessions#revoke}) without giving it away;
 *                   the same tag the library's log lines use for this session (without their
 *                   {@code #})
 * @param created    when the session was first stored
 * @param lastAccess when it was last used, to the precision the store keeps (its expiry less
 *                   its lifetime)
 * @param expires    when the store forgets it if it is not used again
 * @param current    whether it is the session of the request asking
 */
public record UserSession(String tag, Instant created, Instant lastAccess, Instant expires, boolean current) {
}

package dev.serversessions.internal.session;

import java.time.Instant;

/**
 * What a save asks of the session cookie.
 *
 * @param kind      leave it, (re)send it, or expire it
 * @param id        the id to send, for {@link Kind#SEND}
 * @param permanent whether the cookie outlives the browser
 * @param expires   the cookie's expiry for a permanent cookie
 */
public record CookieAction(Kind kind, String id, boolean permanent, Instant expires) {
    /** What to do with the cookie. */
    public enum Kind { NONE, SEND, EXPIRE }

    public static final CookieAction NONE = new CookieAction(Kind.NONE, null, false, null);
    public static final CookieAction EXPIRE = new CookieAction(Kind.EXPIRE, null, false, null);

    static CookieAction send(String id, boolean permanent, Instant expires) {
        return new CookieAction(Kind.SEND, id, permanent, expires);
    }
}

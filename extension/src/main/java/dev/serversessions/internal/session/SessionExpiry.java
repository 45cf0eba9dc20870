package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.MAX_INACTIVE;
import static dev.serversessions.internal.session.AttributeNames.PERMANENT;

import dev.serversessions.internal.config.SessionSettings;
import java.time.Duration;
import java.time.Instant;

/**
 * When a session was made, last used and expires, and the rules that move its expiry: its
 * lifetime (the configured one or its own inactivity limit), its permanence, and when a save
 * must tell the store a new expiry. The session's own settings are kept as attributes
 * ({@link AttributeNames#PERMANENT}, {@link AttributeNames#MAX_INACTIVE}) of its
 * {@link SessionAttributes}, changed only through its methods.
 *
 * <p>Not thread-safe: its {@link RequestSession} calls it under its own monitor.
 */
final class SessionExpiry {
    /** What "never expires" means to stores that need a date: far, but before 2038's 32-bit limit. */
    private static final Duration NEVER = Duration.ofDays(3650);

    private final SessionAttributes attributes;
    private final Duration lifetime;
    private final boolean defaultPermanent;
    private final boolean refreshEachRequest;
    private final ExpirySlide slide;
    private Instant created;
    /** The expiry the store holds, as far as this request knows. */
    private Instant expires;
    private Instant lastAccess;

    SessionExpiry(SessionAttributes attributes, SessionSettings settings) {
        this.attributes = attributes;
        this.lifetime = settings.lifetime();
        this.defaultPermanent = settings.permanent();
        this.refreshEachRequest = settings.refreshEachRequest();
        this.slide = new ExpirySlide(settings.refreshThreshold());
    }

    /**
     * A stored session's times. Stores keep no last access: it is estimated as the expiry minus
     * the configured lifetime, never before the creation nor after now.
     */
    void loaded(Instant created, Instant expires, Instant now) {
        this.created = created;
        this.expires = expires;
        this.lastAccess = lastAccess(created, expires, lifetime, now);
    }

    /** The last access a stored session's times imply, as {@link #loaded} estimates it. */
    static Instant lastAccess(Instant created, Instant expires, Duration lifetime, Instant now) {
        Instant previous = expires.minus(lifetime);
        return previous.isBefore(created) ? created : previous.isAfter(now) ? now : previous;
    }

    /** A new session, made now. */
    void fresh(Instant now) {
        created = now;
        lastAccess = now;
        expires = now.plus(lifetime);
    }

    Instant created() {
        return created;
    }

    Instant expires() {
        return expires;
    }

    Instant lastAccess() {
        return lastAccess;
    }

    /** The store now holds this expiry. */
    void stored(Instant expiry) {
        expires = expiry;
    }

    boolean isPermanent() {
        return attributes.decoded(PERMANENT) instanceof Boolean b ? b : defaultPermanent;
    }

    /** Only a permanence other than the default is stored. */
    void setPermanent(boolean permanent) {
        attributes.setSetting(PERMANENT, permanent == defaultPermanent ? null : permanent);
    }

    /** Seconds of inactivity after which the session expires; {@code <= 0}: never. */
    int maxInactiveSeconds() {
        return attributes.decoded(MAX_INACTIVE) instanceof Number n ? n.intValue() : (int) Math.min(Integer.MAX_VALUE, lifetime.toSeconds());
    }

    /**
     * Gives the session its own inactivity limit; only a limit other than the configured lifetime
     * is stored. The store's expiry moves at save, by the slide rule against the new limit.
     */
    void setMaxInactiveSeconds(int seconds) {
        attributes.setSetting(MAX_INACTIVE, seconds == lifetime.toSeconds() ? null : seconds);
    }

    /** The session's lifetime: its own inactivity limit ({@code <= 0}: never), else the configured one. */
    Duration lifetime() {
        if (attributes.decoded(MAX_INACTIVE) instanceof Number n) {
            return n.intValue() <= 0 ? NEVER : Duration.ofSeconds(n.intValue());
        }
        return lifetime;
    }

    /**
     * The expiry a save of a stored session gives it. As in Flask: without refresh on every
     * request, a modified session still gets the full lifetime again, or an active session
     * would die at creation + lifetime.
     */
    Instant next(Instant now, boolean changed) {
        return refreshEachRequest || changed ? now.plus(lifetime()) : expires;
    }

    /**
     * Whether a save that writes no attribute must still move the stored expiry to {@code next}:
     * a rename always (it keeps the old expiry otherwise); with refresh on, once the expiry has
     * drifted past the slide threshold, so the read-only requests in between write nothing. A
     * session with its own inactivity limit slides by the same rule against that limit.
     */
    boolean touchDue(Instant next, boolean renamed) {
        return refreshEachRequest ? slide.isDue(expires, next, lifetime()) : renamed;
    }

    /**
     * Whether the response sends the cookie again: the cookie's Max-Age slides on every request,
     * as before, so the store's expiry may lag behind it by at most the slide threshold.
     */
    boolean cookieDue(boolean permanent, boolean changed) {
        return permanent && (refreshEachRequest || changed);
    }
}

package dev.serversessions.internal.web;

import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.SessionIds;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Reads the session cookie and writes {@code Set-Cookie} with every {@code SESSION_COOKIE_*}
 * attribute. The header is written by hand because SameSite has no portable setter before
 * Servlet 6, and the expired cookie must repeat the domain and path exactly to replace it.
 */
final class SessionCookie {
    private final SessionSettings settings;
    private final SessionIds ids;

    SessionCookie(SessionSettings settings, SessionIds ids) {
        this.settings = settings;
        this.ids = ids;
    }

    /** The first cookie of our name that carries a well-formed (and correctly signed) id. */
    String read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String fallback = null;
        for (Cookie cookie : cookies) {
            if (settings.cookieName().equals(cookie.getName())) {
                if (ids.idFromCookie(cookie.getValue()).isPresent()) {
                    return cookie.getValue();
                }
                fallback = cookie.getValue();
            }
        }
        return fallback;
    }

    void write(HttpServletRequest request, HttpServletResponse response, CookieAction action) {
        switch (action.kind()) {
            case SEND -> response.addHeader("Set-Cookie", header(request, settings.cookieName(), ids.cookieValue(action.id()),
                    action.permanent() ? Duration.between(Instant.now(), action.expires()) : null));
            case EXPIRE -> response.addHeader("Set-Cookie", header(request, settings.cookieName(), "", Duration.ZERO));
            case NONE -> { }
        }
    }

    /**
     * The name of the login hint: a cookie beside the session cookie, present while the session
     * holds an authenticated caller. It is only a hint, never trusted: it tells the login hook
     * that loading the session before the filter runs is worth a store call, so that requests
     * of anonymous sessions that do not touch them still cost none. A forged hint costs one load.
     */
    String loginHintName() {
        return settings.cookieName() + "_login";
    }

    boolean hasLoginHint(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (loginHintName().equals(cookie.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Sets the login hint for as long as the session cookie lives ({@code maxAge} null: browser session), or expires it. */
    void writeLoginHint(HttpServletRequest request, HttpServletResponse response, boolean on, Duration maxAge) {
        response.addHeader("Set-Cookie", on ? header(request, loginHintName(), "1", maxAge)
                : header(request, loginHintName(), "", Duration.ZERO));
    }

    private String header(HttpServletRequest request, String name, String value, Duration maxAge) {
        StringBuilder header = new StringBuilder(160).append(name).append('=').append(value);
        if (maxAge != null) {
            long seconds = Math.max(0, (maxAge.toMillis() + 999) / 1000);
            Instant expires = seconds == 0 ? Instant.EPOCH : Instant.now().plusSeconds(seconds);
            header.append("; Expires=").append(expiresText(expires.getEpochSecond()))
                    .append("; Max-Age=").append(seconds);
        }
        settings.cookieDomain().ifPresent(domain -> header.append("; Domain=").append(domain));
        header.append("; Path=").append(path(request));
        if (settings.cookieSecure()) {
            header.append("; Secure");
        }
        if (settings.cookieHttpOnly()) {
            header.append("; HttpOnly");
        }
        header.append("; SameSite=").append(settings.cookieSameSite().attributeValue());
        return header.toString();
    }

    /**
     * The last {@code Expires} date written, by its second: every response within one second
     * that sends the cookie gives the same date, and formatting it (RFC 1123) was 5% of a
     * near-cache hit's request thread (JFR).
     */
    private static volatile ExpiresText lastExpires = new ExpiresText(Long.MIN_VALUE, "");

    private record ExpiresText(long epochSecond, String text) {
    }

    /** The RFC 1123 date of that second, as {@code DateTimeFormatter.RFC_1123_DATE_TIME} writes it. */
    static String expiresText(long epochSecond) {
        ExpiresText last = lastExpires;
        if (last.epochSecond() != epochSecond) {
            last = new ExpiresText(epochSecond,
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC)));
            lastExpires = last;
        }
        return last.text();
    }

    private String path(HttpServletRequest request) {
        return settings.cookiePath().orElseGet(() -> {
            String context = request.getContextPath();
            return context == null || context.isEmpty() ? "/" : context;
        });
    }
}

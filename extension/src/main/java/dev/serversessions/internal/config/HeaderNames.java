package dev.serversessions.internal.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Which names {@code SESSION_ID_HEADER} may take: a header of its own, that every hop passes on and a browser may send. */
final class HeaderNames {
    /**
     * Headers HTTP, proxies or browsers already give a meaning: the hop-by-hop ones (a proxy
     * drops them), those a browser script may not set (the Fetch standard's forbidden request
     * headers), cookies, and those the container or the authentication answers with.
     */
    private static final Set<String> TAKEN = Set.of("accept-charset", "accept-encoding", "access-control-request-headers",
            "access-control-request-method", "authorization", "cache-control", "connection", "content-length", "content-type",
            "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive", "location", "origin", "referer", "set-cookie",
            "set-cookie2", "te", "trailer", "transfer-encoding", "upgrade", "vary", "via", "www-authenticate");

    /**
     * The Fetch standard's CORS-safelisted request headers: any page may send them cross-site
     * without a preflight, so a page of another site could make a visitor's browser present an id
     * of its choosing (session fixation) with nothing for CORS to refuse. Content-Type is taken already.
     */
    private static final Set<String> CORS_SAFELISTED = Set.of("accept", "accept-language", "content-language", "range");

    private HeaderNames() {
    }

    /** Why {@code name} cannot carry session ids, or empty if it can. */
    static Optional<String> problem(String name) {
        // the token of RFC 9110 is the cookie name's token of RFC 6265
        if (!CookieSyntax.isToken(name)) {
            return Optional.of("is not a valid HTTP header name (use letters, digits and -, e.g. X-Session-Id)");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (TAKEN.contains(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-") || lower.startsWith("access-control-")) {
            return Optional.of("is a header HTTP, proxies or browsers already use (hop-by-hop, cookie, or not settable by "
                    + "scripts); use a name of its own, e.g. X-Session-Id");
        }
        if (CORS_SAFELISTED.contains(lower)) {
            return Optional.of("is a CORS-safelisted request header: a page of any site can set it on a cross-site request"
                    + " without a preflight; use a name of its own, e.g. X-Session-Id");
        }
        return Optional.empty();
    }
}

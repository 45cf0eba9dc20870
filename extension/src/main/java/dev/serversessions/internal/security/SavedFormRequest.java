package dev.serversessions.internal.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The request a servlet FORM login saves before it shows the login page (Servlet 6.0, 13.6.3.1),
 * kept in the server session as plain text: the path within the application and the query, as
 * the browser sent them. After the login the browser is redirected there; the method and body
 * are not replayed (a saved {@code POST} returns as a {@code GET} of its URL).
 *
 * <p>The saved text is only ever read back as a path of this application: whatever the store
 * holds (an edited session, a request for {@code //host/}), the redirect stays on this host and
 * under the context path; anything else sends the browser to the application's root instead.
 */
final class SavedFormRequest {
    /** A plain attribute, as Jakarta Security's login-to-continue keeps its own: the application sees it in a dump. */
    static final String ATTRIBUTE = "dev.serversessions.form.savedRequest";
    /** Longer than any URL a browser sends; the store keeps no more. */
    static final int MAX_LENGTH = 8192;

    private SavedFormRequest() {
    }

    /** The path within the application and the query of {@code request}, as sent. */
    static String of(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(request.getContextPath().length(), uri.length()));
        String query = request.getQueryString();
        return query == null ? path : path + "?" + query;
    }

    /** Whether {@code saved} is text this class would redirect to: one path of this application. */
    static boolean isSafe(String saved) {
        if (saved == null || saved.isEmpty() || saved.length() > MAX_LENGTH || saved.charAt(0) != '/') {
            return false;
        }
        if (saved.length() > 1 && (saved.charAt(1) == '/' || saved.charAt(1) == '\\')) {
            return false; // "//host/" and "/\host/": another host to a browser
        }
        for (int i = 0; i < saved.length(); i++) {
            char c = saved.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return false; // header splitting, and what browsers read as a slash
            }
        }
        return true;
    }

    /** Where the browser goes after the login: the saved request if it is safe, else the application's root. */
    static String redirectTarget(String contextPath, Optional<String> saved) {
        return contextPath + saved.filter(SavedFormRequest::isSafe).orElse("/");
    }
}

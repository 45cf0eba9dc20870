package dev.serversessions.internal.web;

import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.SessionIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Enumeration;

/**
 * The session id in a request and response header ({@code SESSION_ID_HEADER}), for clients
 * that keep no cookies. It carries what the cookie carries ({@code id} or {@code id.signature});
 * a response names the id only when it is new to the client, and sends the header empty when
 * the session ends. Which requests are answered here is {@code RequestSession}'s rule.
 */
final class SessionIdHeader {
    private final String name;
    private final SessionIds ids;

    SessionIdHeader(SessionSettings settings, SessionIds ids) {
        this.name = settings.idHeader().orElse(null);
        this.ids = ids;
    }

    /**
     * The header's value, or null when the header is off or absent. A request that repeats it
     * carries no id in it: which one was meant is anyone's guess, so neither is.
     */
    String read(HttpServletRequest request) {
        if (name == null) {
            return null;
        }
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String value = values.nextElement();
        return values.hasMoreElements() ? null : value;
    }

    /** Tells the client its new id, or that its session ended; {@code requestedId} is the id it sent. */
    void write(HttpServletResponse response, CookieAction action, String requestedId) {
        switch (action.kind()) {
            case SEND -> {
                if (!action.id().equals(requestedId)) {
                    response.setHeader(name, ids.cookieValue(action.id()));
                }
            }
            case EXPIRE -> response.setHeader(name, "");
            case NONE -> { }
        }
    }
}

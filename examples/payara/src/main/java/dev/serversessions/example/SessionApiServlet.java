package dev.serversessions.example;

import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionTooLargeException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The example's HTTP API over {@link ServerSession}:
 * {@code GET /api/session}, {@code PUT|DELETE /api/session/{name}},
 * {@code POST /api/session/regenerate}, {@code POST /api/session/invalidate}. A value the
 * library refuses as too large for the session store is answered 413.
 */
@WebServlet("/api/session/*")
public class SessionApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (name(request) != null) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String name : session.names()) {
            attributes.put(name, session.get(name));
        }
        Json.writeStrings(response, attributes);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = name(request);
        if (name == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "PUT /api/session/{name}");
            return;
        }
        try {
            session.put(name, Json.readBody(request));
        } catch (SessionTooLargeException e) {
            tooLarge(response, e);
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /**
     * 413 with the library's one-line reason (attribute, size, limit) as plain text: the value
     * was refused, the session is as it was, and nothing about the server is disclosed.
     */
    static void tooLarge(HttpServletResponse response, SessionTooLargeException e) throws IOException {
        response.setStatus(413); // Payload Too Large
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(e.getMessage());
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = name(request);
        if (name == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "DELETE /api/session/{name}");
            return;
        }
        session.remove(name);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = name(request);
        if ("regenerate".equals(action)) {
            session.regenerate();
        } else if ("invalidate".equals(action)) {
            session.invalidate();
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "POST /api/session/regenerate or /api/session/invalidate");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static String name(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null || path.length() <= 1 ? null : path.substring(1);
    }
}

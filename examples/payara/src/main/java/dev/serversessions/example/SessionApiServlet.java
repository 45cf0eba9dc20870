package dev.serversessions.example;

import dev.serversessions.api.ServerSession;
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
 * {@code POST /api/session/regenerate}, {@code POST /api/session/invalidate}.
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
        session.put(name, Json.readBody(request));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
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

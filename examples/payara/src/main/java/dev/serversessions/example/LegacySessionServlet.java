package dev.serversessions.example;

import dev.serversessions.api.SessionTooLargeException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Code written only against {@link HttpSession}, as most existing applications are; it shares
 * its data with the {@code ServerSession} API: {@code GET /legacy/session},
 * {@code PUT /legacy/session/{name}}, {@code POST /legacy/session/invalidate}.
 */
@WebServlet("/legacy/session/*")
public class LegacySessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (session != null) {
            for (String name : Collections.list(session.getAttributeNames())) {
                attributes.put(name, session.getAttribute(name));
            }
        }
        Json.writeStrings(response, attributes);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.length() <= 1) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "PUT /legacy/session/{name}");
            return;
        }
        try {
            request.getSession().setAttribute(path.substring(1), Json.readBody(request));
        } catch (SessionTooLargeException e) {
            SessionApiServlet.tooLarge(response, e);
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/invalidate".equals(request.getPathInfo())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "POST /legacy/session/invalidate");
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}

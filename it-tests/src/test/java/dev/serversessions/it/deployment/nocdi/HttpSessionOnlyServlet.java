package dev.serversessions.it.deployment.nocdi;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.TreeMap;

/**
 * The whole of an application that knows nothing of CDI or of this library: it uses
 * {@link HttpSession} only, and its WAR has no beans.xml and no bean-defining annotation.
 * {@code GET /legacy} answers {@code id=<session id>} and the attributes as {@code name=value}
 * lines (nothing without a session); {@code PUT /legacy/{name}} stores the body;
 * {@code POST /legacy/invalidate} invalidates.
 */
@WebServlet("/legacy/*")
public class HttpSessionOnlyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        StringBuilder body = new StringBuilder();
        if (session != null) {
            body.append("id=").append(session.getId()).append('\n');
            TreeMap<String, Object> attributes = new TreeMap<>();
            for (String name : Collections.list(session.getAttributeNames())) {
                attributes.put(name, session.getAttribute(name));
            }
            attributes.forEach((name, value) -> body.append(name).append('=').append(value).append('\n'));
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(body.toString());
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo().substring(1);
        request.getSession().setAttribute(name, new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}

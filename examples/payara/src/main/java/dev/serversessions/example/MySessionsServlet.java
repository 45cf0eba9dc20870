package dev.serversessions.example;

import dev.serversessions.api.UserSession;
import dev.serversessions.api.UserSessions;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The logged-in user's sessions, on every device and server:
 * <ul>
 * <li>{@code GET /api/my-sessions} → 200, {@code [{"tag","created","lastAccess","expires","current"}]}
 * (times as ISO-8601 instants, least recently used first)</li>
 * <li>{@code POST /api/my-sessions/revoke-others} → 204: log out the other devices</li>
 * <li>{@code POST /api/my-sessions/revoke-all} → 204: log out everywhere, this session too</li>
 * <li>{@code DELETE /api/my-sessions/{tag}} → 204, or 404 for a tag that is none of the
 * user's live sessions (forged, expired, revoked, or another user's: one answer for all, so the
 * API tells nobody whether a tag exists)</li>
 * <li>{@code GET /my-sessions}: the same as a page, whose buttons post back to it</li>
 * </ul>
 * Anonymous: 401 on the API, a link to the login on the page.
 */
@WebServlet({"/api/my-sessions", "/api/my-sessions/*", "/my-sessions"})
public class MySessionsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    UserSessions sessions;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> owner = sessions.currentOwner();
        if ("/my-sessions".equals(request.getServletPath())) {
            page(request, response, owner);
            return;
        }
        if (request.getPathInfo() != null && !"/".equals(request.getPathInfo())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (owner.isEmpty()) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in first");
            return;
        }
        JsonArrayBuilder array = jakarta.json.Json.createArrayBuilder();
        for (UserSession s : sessions.list(owner.get())) {
            array.add(jakarta.json.Json.createObjectBuilder()
                    .add("tag", s.tag())
                    .add("created", s.created().toString())
                    .add("lastAccess", s.lastAccess().toString())
                    .add("expires", s.expires().toString())
                    .add("current", s.current()));
        }
        byte[] body = array.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/my-sessions".equals(request.getServletPath())) {
            if (sessions.currentOwner().isPresent()) {
                String action = String.valueOf(request.getParameter("action"));
                switch (action) {
                    case "revoke-others" -> sessions.revokeOthers();
                    case "revoke-all" -> sessions.revokeAllMine();
                    case "revoke" -> sessions.revokeMine(String.valueOf(request.getParameter("tag")));
                    default -> {
                        response.sendError(HttpServletResponse.SC_BAD_REQUEST, "unknown action");
                        return;
                    }
                }
            }
            response.sendRedirect(request.getContextPath() + "/my-sessions");
            return;
        }
        if (sessions.currentOwner().isEmpty()) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in first");
            return;
        }
        switch (String.valueOf(request.getPathInfo())) {
            case "/revoke-others" -> sessions.revokeOthers();
            case "/revoke-all" -> sessions.revokeAllMine();
            default -> {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (!"/api/my-sessions".equals(request.getServletPath()) || path == null || path.length() < 2) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (sessions.currentOwner().isEmpty()) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in first");
            return;
        }
        if (sessions.revokeMine(path.substring(1))) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such session of yours");
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response, Optional<String> owner) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        String home = request.getContextPath().isEmpty() ? "/" : request.getContextPath() + "/";
        out.println("<!doctype html><html><head><meta charset=\"utf-8\"><title>Your sessions</title>");
        out.println("<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}td,th{padding:.2em .6em;text-align:left}"
                + "form{display:inline}</style></head><body><h1>Your sessions</h1>");
        if (owner.isEmpty()) {
            out.println("<p>Not logged in. <a href=\"" + home + "\">Log in</a> first.</p></body></html>");
            return;
        }
        List<UserSession> list = sessions.list(owner.get());
        out.println("<p>Logged in as <strong id=\"user\">" + escape(owner.get()) + "</strong>, answered by "
                + escape(ServerInfo.describe(request)) + ". <a href=\"" + home + "\">Home</a></p>");
        out.println("<table id=\"sessions\"><tr><th>session</th><th>created</th><th>last used</th><th>expires</th><th></th></tr>");
        for (UserSession s : list) {
            out.println("<tr><td><code>" + escape(s.tag()) + "</code>" + (s.current() ? " (this one)" : "") + "</td><td>"
                    + s.created() + "</td><td>" + s.lastAccess() + "</td><td>" + s.expires() + "</td><td>"
                    + (s.current() ? "" : "<form method=\"post\"><input type=\"hidden\" name=\"tag\" value=\"" + escape(s.tag())
                    + "\"><button name=\"action\" value=\"revoke\">Log out</button></form>") + "</td></tr>");
        }
        out.println("</table><form method=\"post\"><button name=\"action\" value=\"revoke-others\">Log out the other sessions</button></form> "
                + "<form method=\"post\"><button name=\"action\" value=\"revoke-all\">Log out everywhere</button></form></body></html>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package dev.serversessions.example;

import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.Principal;
import java.util.List;

/**
 * The page a person sees: a visit counter, a cart, a real login (Jakarta Security, the demo
 * users of {@link DemoIdentityStore}) with the caller's roles, the store the configuration chose
 * and which server answered, so two instances side by side show failover in a browser. Forms
 * post back here and are answered with a redirect, so the session is saved before that redirect
 * commits.
 */
@WebServlet("")
public class HomePageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Inject
    Cart cart;

    @Inject
    SessionBackend store;

    @Inject
    SecurityContext security;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Integer visits = session.get("visits", Integer.class);
        int visit = visits == null ? 1 : visits + 1;
        session.put("visits", visit);
        Principal user = request.getUserPrincipal();

        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.println("<!doctype html><html><head><meta charset=\"utf-8\"><title>Server sessions</title>");
        out.println("<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}form{margin:.5em 0}</style></head><body>");
        out.println("<h1>Server sessions for Jakarta EE</h1>");
        out.println("<p>Answered by <strong id=\"server\">" + escape(ServerInfo.describe(request))
                + "</strong>. Visit number <strong id=\"visits\">" + visit + "</strong> in this session, stored in <code id=\"store\">"
                + escape(store.describe()) + "</code>.</p>");
        if (user == null) {
            out.println("<p>Not logged in" + ("failed".equals(request.getParameter("login")) ? " (wrong user name or password)" : "")
                    + ". Demo users: <code>alice</code> / <code>alice-secret</code> (roles admin, user), "
                    + "<code>bob</code> / <code>bob-secret</code> (role user).</p>"
                    + "<form method=\"post\"><input name=\"username\" placeholder=\"user name\" required> "
                    + "<input name=\"password\" type=\"password\" placeholder=\"password\" required> "
                    + "<button name=\"action\" value=\"login\">Log in</button></form>");
        } else {
            List<String> roles = AccountApiServlet.ROLES.stream().filter(request::isUserInRole).toList();
            out.println("<p>Logged in as <strong id=\"user\">" + escape(user.getName()) + "</strong>, roles <strong id=\"roles\">"
                    + escape(String.join(", ", roles)) + "</strong>. <a href=\"api/admin\">Admin only</a> (403 for other users). "
                    + "<a href=\"my-sessions\">Your sessions</a> (on every device and server).</p>"
                    + "<form method=\"post\"><button name=\"action\" value=\"logout\">Log out</button></form>");
        }
        // the cart is a @ServerSessionScoped bean: it lives in the store, not in this server
        out.println("<h2>Cart</h2><ul id=\"cart\">");
        for (String item : cartItems()) {
            out.println("<li>" + escape(item) + "</li>");
        }
        out.println("</ul><form method=\"post\"><input name=\"item\" placeholder=\"item\" required>"
                + "<button name=\"action\" value=\"add\">Add to cart</button></form>");
        out.println("<p><small>" + (session.isNew()
                ? "This is your first visit: the server made a new session for you and sent its id in a cookie."
                : "Your browser sent the id of a session kept in the store; this page was built from it.")
                + " API: "
                + "<code>GET /api/session</code>, <code>POST /api/counter</code>.</small></p></body></html>");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String action = String.valueOf(request.getParameter("action"));
        switch (action) {
            case "login" -> {
                String username = request.getParameter("username");
                String password = request.getParameter("password");
                if (username == null || password == null
                        || !AccountApiServlet.logIn(security, request, response, username, password)) {
                    String context = request.getContextPath();
                    response.sendRedirect((context.isEmpty() ? "/" : context + "/") + "?login=failed");
                    return;
                }
            }
            case "logout" -> {
                // the usual end of a visit: the login ends, and so does everything else kept
                request.logout();
                session.invalidate();
            }
            case "add" -> {
                String item = request.getParameter("item");
                if (item != null && !item.isBlank()) {
                    cart.add(item.trim()); // a field of the bean changed: saved at the end of the request
                }
            }
            default -> {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "unknown action");
                return;
            }
        }
        String context = request.getContextPath();
        response.sendRedirect(context.isEmpty() ? "/" : context + "/");
    }

    /** The cart's items; none where the store is configured for JSON, which cannot hold a bean. */
    private List<String> cartItems() {
        try {
            return cart.items();
        } catch (IllegalStateException e) {
            log("cart unavailable: " + e.getMessage());
            return List.of();
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

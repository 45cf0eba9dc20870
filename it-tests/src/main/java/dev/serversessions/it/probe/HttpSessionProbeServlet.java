package dev.serversessions.it.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;

/** One endpoint per HttpSession API method, written only against the Servlet API. */
@WebServlet("/httpsession/*")
public class HttpSessionProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String op = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        String name = request.getParameter("name");
        String value = request.getParameter("value");
        String result;
        switch (op) {
            case "events" -> result = String.join("\n", RecordingListener.drain());
            case "exists" -> result = String.valueOf(request.getSession(false) != null);
            case "set" -> {
                request.getSession().setAttribute(name, value);
                result = "set";
            }
            case "get" -> {
                HttpSession session = request.getSession(false);
                result = session == null ? "no session" : String.valueOf(session.getAttribute(name));
            }
            case "remove" -> {
                request.getSession().removeAttribute(name);
                result = "removed";
            }
            case "fill" -> {
                // a session of the given size, for the load benchmark; works on either HttpSession
                HttpSession session = request.getSession();
                session.setAttribute("blob", "x".repeat(Integer.parseInt(request.getParameter("bytes"))));
                session.setAttribute("k", "v");
                result = "filled";
            }
            case "names" -> result = String.valueOf(new java.util.TreeSet<>(Collections.list(request.getSession().getAttributeNames())));
            case "bind" -> {
                request.getSession().setAttribute(name, new BoundValue(value));
                result = "bound";
            }
            case "info" -> {
                HttpSession session = request.getSession();
                result = session.getId() + " new=" + session.isNew() + " created=" + session.getCreationTime()
                        + " accessed=" + session.getLastAccessedTime() + " max=" + session.getMaxInactiveInterval()
                        + " context=" + (session.getServletContext() == request.getServletContext());
            }
            case "requested" -> result = request.getRequestedSessionId() + " valid=" + request.isRequestedSessionIdValid()
                    + " cookie=" + request.isRequestedSessionIdFromCookie() + " url=" + request.isRequestedSessionIdFromURL();
            case "max-inactive" -> {
                request.getSession().setMaxInactiveInterval(Integer.parseInt(value));
                result = String.valueOf(request.getSession().getMaxInactiveInterval());
            }
            case "change-id" -> {
                String before = request.getSession().getId();
                String after = request.changeSessionId();
                result = String.valueOf(!before.equals(after) && after.equals(request.getSession().getId()));
            }
            case "invalidate-then-use" -> {
                HttpSession session = request.getSession();
                session.setAttribute("marker", "m");
                session.invalidate();
                int refused = 0;
                for (Runnable use : new Runnable[] {() -> session.getAttribute("x"), () -> session.setAttribute("x", "y"),
                        session::getId, session::getCreationTime, session::isNew, session::invalidate,
                        session::getAttributeNames, () -> session.removeAttribute("x")}) {
                    try {
                        use.run();
                    } catch (IllegalStateException e) {
                        refused++;
                    }
                }
                result = "refused " + refused + " new=" + (request.getSession(false) == null ? "none" : "exists");
            }
            case "container-session" -> result = String.valueOf(request.getSession().getClass().getName().startsWith("dev.serversessions"));
            default -> {
                response.sendError(HttpServletResponse.SC_NOT_FOUND, "no operation " + op);
                return;
            }
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(result);
    }
}

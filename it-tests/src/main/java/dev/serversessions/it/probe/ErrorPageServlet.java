package dev.serversessions.it.probe;

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The test WAR's error page (WEB-INF/web.xml maps 404 and 500 here): it shows what the
 * application sees of the session there, through {@code @Inject ServerSession} and through
 * {@code request.getSession()}, and counts errors in the session when asked to ({@code count-error}).
 */
@WebServlet("/error-page")
public class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the error dispatch keeps the failed request's parameters
        String name = request.getParameter("name");
        Object injected = session.get("user");
        Object viaHttpSession = request.getSession().getAttribute("user");
        if (request.getParameter("count-error") != null) {
            Integer errors = session.get("errors", Integer.class);
            session.put("errors", errors == null ? 1 : errors + 1);
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("error " + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)
                + " user=" + injected + " httpSession.user=" + viaHttpSession
                + (name == null ? "" : " " + name + "=" + session.get(name))
                + " message=" + request.getAttribute(RequestDispatcher.ERROR_MESSAGE) + "\n");
    }
}

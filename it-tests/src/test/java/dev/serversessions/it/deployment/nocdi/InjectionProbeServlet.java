package dev.serversessions.it.deployment.nocdi;

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet asking for {@code @Inject ServerSession} in a WAR that is no bean archive (no
 * beans.xml, no bean-defining annotation; only the library's jar declares a CDI extension).
 * {@code GET /injected} answers {@code injected} or {@code null}: what happens is the runtime's
 * choice, and the README says which runtime does what.
 */
@WebServlet("/injected")
public class InjectionProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write(session == null ? "null" : "injected");
    }
}

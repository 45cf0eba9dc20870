package dev.serversessions.example;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code GET /api/store}: 200 {@code up} when the session store answers one load (of an id
 * nobody has), 503 {@code down} when it does not: the readiness check of
 * {@code examples/wildfly/run}, {@code liberty/run} and {@code glassfish/run}. GlassFish has no
 * MicroProfile Health, WildFly 39's {@code /health/ready} does not list the library's check, and
 * Open Liberty would need a feature more; Payara's {@code /health/ready} has it.
 */
@WebServlet("/api/store")
public class StoreServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SessionBackend backend;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        response.setContentType("text/plain;charset=UTF-8");
        try {
            backend.load(Base64.getUrlEncoder().withoutPadding().encodeToString(id));
            response.getWriter().print("up");
        } catch (SessionStoreUnavailableException e) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.getWriter().print("down");
        }
    }
}

package dev.serversessions.it.deployment.glassfish;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** A servlet, and nothing else, with a configuration value injected: {@code GET /greeting}. */
@WebServlet("/greeting")
public class ConfigOnlyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    @ConfigProperty(name = "app.greeting", defaultValue = "hello")
    String greeting;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write(greeting);
    }
}

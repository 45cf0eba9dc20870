package dev.serversessions.it.deployment.app;

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A servlet with the session, a CDI bean that has the session too, the application's JPA and
 * its own configuration injected: {@code GET /page} counts a visit (through the bean) and
 * answers {@code color=<session attribute>;visits=<n>;greeting=<config>};
 * {@code POST /page?note=text} stores a note through JPA; {@code GET /page/notes} lists them
 * and names the JPA provider; {@code GET /page/basket} lists the {@link Basket} bean's items.
 */
@WebServlet("/page/*")
public class AppServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Inject
    Visits visits;

    @Inject
    NoteBook notes;

    @Inject
    Basket basket;

    @Inject
    @ConfigProperty(name = "app.greeting")
    String greeting;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        if ("/notes".equals(request.getPathInfo())) {
            response.getWriter().write(notes.texts() + " by " + notes.provider());
            return;
        }
        if ("/basket".equals(request.getPathInfo())) {
            response.getWriter().write(basket.items().toString());
            return;
        }
        int visit = visits.next();
        response.getWriter().write("color=" + session.get("color") + ";visits=" + visit + ";greeting=" + greeting);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        notes.add(request.getParameter("note"));
        session.put("lastNote", request.getParameter("note"));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}

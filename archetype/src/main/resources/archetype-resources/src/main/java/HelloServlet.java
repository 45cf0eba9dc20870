package ${package};

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /hello} (form field {@code name}) keeps the name in the server session;
 * {@code GET /hello} greets whoever the session remembers.
 */
@WebServlet("/hello")
public class HelloServlet extends HttpServlet {

    @Inject
    ServerSession session;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = session.get("name", String.class);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("Hello, " + (name == null ? "stranger" : name) + "!");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        if (name == null || name.isBlank()) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "name is missing");
            return;
        }
        session.put("name", name.strip());
        doGet(request, response);
    }
}

package dev.serversessions.it.builtin;

import jakarta.annotation.security.DeclareRoles;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /caller}: {@code name admin=<isUserInRole>}, or {@code anonymous}; {@code POST} logs out. */
@WebServlet("/caller")
@DeclareRoles({"admin", "user"})
public class CallerServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(request.getUserPrincipal() == null ? "anonymous"
                : request.getUserPrincipal().getName() + " admin=" + request.isUserInRole("admin"));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
        request.logout();
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}

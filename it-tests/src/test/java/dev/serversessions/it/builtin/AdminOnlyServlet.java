package dev.serversessions.it.builtin;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /admin}, for role {@code admin} only (a container constraint). */
@WebServlet("/admin")
@ServletSecurity(@HttpConstraint(rolesAllowed = "admin"))
public class AdminOnlyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("admin " + request.getUserPrincipal().getName());
    }
}

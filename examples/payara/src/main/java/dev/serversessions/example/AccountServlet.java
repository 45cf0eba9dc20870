package dev.serversessions.example;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /account}: the caller's page, for role {@code user} (a container constraint). An
 * anonymous caller is sent to the login form ({@link AccountLoginForm}) and back here after it.
 */
@WebServlet("/account")
@ServletSecurity(@HttpConstraint(rolesAllowed = "user"))
public class AccountServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().println("<!doctype html><html><head><meta charset=\"utf-8\"><title>Account</title></head><body>"
                + "<p>Account of <strong id=\"user\">" + HomePageServlet.escape(request.getUserPrincipal().getName()) + "</strong>,"
                + " answered by " + HomePageServlet.escape(ServerInfo.describe(request)) + ".</p></body></html>");
    }
}

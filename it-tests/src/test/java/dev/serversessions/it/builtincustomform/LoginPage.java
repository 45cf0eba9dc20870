package dev.serversessions.it.builtincustomform;

import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /custom-login}: the login form; {@code POST}: the credentials to
 * {@code SecurityContext.authenticate}, which sends the browser back to the page it asked for,
 * or this page again with {@code Wrong user name or password}.
 */
@WebServlet("/custom-login")
public class LoginPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    SecurityContext security;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        page(response, "");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthenticationStatus status = security.authenticate(request, response, AuthenticationParameters.withParams()
                .credential(new UsernamePasswordCredential(request.getParameter("username"), new Password(request.getParameter("password")))));
        if (status == AuthenticationStatus.SEND_FAILURE) {
            page(response, "<p id=\"error\">Wrong user name or password</p>");
        } else if (!response.isCommitted() && status == AuthenticationStatus.SUCCESS) {
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("logged in");
        }
    }

    private static void page(HttpServletResponse response, String message) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<!DOCTYPE html><html><body>" + message + "<form id=\"login\" method=\"post\" action=\"custom-login\">"
                + "<input name=\"username\"><input name=\"password\" type=\"password\"><button>Log in</button></form></body></html>");
    }
}

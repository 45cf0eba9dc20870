package dev.serversessions.example;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /account/login}: the login form of {@link AccountLoginForm}, which checks its post
 * (to the same address) before any servlet runs.
 */
@WebServlet(AccountLoginForm.LOGIN_PAGE)
public class AccountLoginPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        String error = request.getParameter("error") == null ? "" : "<p id=\"error\">Wrong user name or password.</p>";
        response.getWriter().println("<!doctype html><html><head><meta charset=\"utf-8\"><title>Log in</title></head><body>"
                + error + "<form method=\"post\" action=\"" + HomePageServlet.escape(request.getContextPath() + AccountLoginForm.LOGIN_PAGE) + "\">"
                + "<label>User <input name=\"username\"></label> <label>Password <input name=\"password\" type=\"password\"></label>"
                + " <button>Log in</button></form></body></html>");
    }

    /** A post that reached no saved request (opened without visiting {@code /account} first): to the account page. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/account");
    }
}

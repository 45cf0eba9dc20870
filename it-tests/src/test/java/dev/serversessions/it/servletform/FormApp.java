package dev.serversessions.it.servletform;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * A plain servlet application with the servlet FORM login of its {@code web.xml} (the runtime's
 * realm holds the users), written as its users write it: nothing of the server sessions library
 * is imported. {@code /admin} is constrained to role {@code admin} in {@code web.xml}.
 *
 * <ul>
 * <li>{@code GET /admin}: {@code admin <name> <query>}</li>
 * <li>{@code GET /caller}: {@code <name> admin=<isUserInRole>}, or {@code anonymous}</li>
 * <li>{@code POST /logout}: {@code request.logout()}, 204</li>
 * <li>{@code POST /invalidate}: {@code session.invalidate()}, 204</li>
 * <li>{@code GET /probe/untouched}: 200, touches nothing (the test launchers wait for it)</li>
 * </ul>
 */
@WebServlet({"/admin", "/caller", "/logout", "/invalidate", "/probe/untouched"})
public class FormApp extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        String name = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
        switch (request.getServletPath()) {
            case "/admin" -> response.getWriter().write("admin " + name + " " + request.getQueryString());
            case "/caller" -> response.getWriter().write(name == null ? "anonymous" : name + " admin=" + request.isUserInRole("admin"));
            default -> response.getWriter().write("untouched");
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        switch (request.getServletPath()) {
            case "/logout" -> request.logout();
            case "/invalidate" -> {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
            default -> {
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                return;
            }
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}

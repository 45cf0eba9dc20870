package dev.serversessions.example;

import jakarta.annotation.security.DeclareRoles;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;

/**
 * The example's login API: {@code POST /api/login} (form fields {@code username},
 * {@code password}) → 204, wrong credentials → 401; {@code POST /api/logout} → 204;
 * {@code GET /api/whoami} → {@code {"user":..,"roles":[..],"server":"runtime:port"}}.
 */
@WebServlet({"/api/login", "/api/logout", "/api/whoami"})
@DeclareRoles({"admin", "user"})
public class AccountApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The roles this application knows, sorted: whoami reports those the caller is in. */
    static final List<String> ROLES = List.of("admin", "user");

    @Inject
    SecurityContext security;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        switch (request.getServletPath()) {
            case "/api/login" -> {
                String username = request.getParameter("username");
                String password = request.getParameter("password");
                if (username == null || password == null) {
                    response.sendError(HttpServletResponse.SC_BAD_REQUEST, "form fields username and password are required");
                    return;
                }
                response.setStatus(logIn(security, request, response, username, password)
                        ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_UNAUTHORIZED);
            }
            case "/api/logout" -> {
                request.logout();
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            default -> response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        }
    }

    /** Logs in through Jakarta Security; the library then stores the caller and changes the id. */
    static boolean logIn(SecurityContext security, HttpServletRequest request, HttpServletResponse response,
                         String username, String password) {
        AuthenticationStatus status = security.authenticate(request, response, AuthenticationParameters.withParams()
                .newAuthentication(true)
                .credential(new UsernamePasswordCredential(username, new Password(password))));
        return status == AuthenticationStatus.SUCCESS;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/api/whoami".equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        Principal principal = request.getUserPrincipal();
        JsonObjectBuilder object = Json.BUILDERS.createObjectBuilder();
        if (principal == null) {
            object.addNull("user");
        } else {
            object.add("user", principal.getName());
        }
        JsonArrayBuilder roles = Json.BUILDERS.createArrayBuilder();
        ROLES.stream().filter(request::isUserInRole).forEach(roles::add);
        object.add("roles", roles);
        object.add("server", ServerInfo.describe(request));
        byte[] body = object.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

package dev.serversessions.example;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Switches on RESTEasy's {@code @RolesAllowed} checks (WildFly) with the context parameter it
 * reads, {@code resteasy.role.based.security}. RESTEasy reads it when its servlet starts, after
 * every {@code contextInitialized}, so setting it here works like a {@code <context-param>} in
 * web.xml, without a web.xml that a WAR overlaying the example would replace with its own.
 * A value already given in web.xml wins ({@code setInitParameter} then keeps it). Jersey ignores
 * the parameter.
 */
@WebListener
public class RoleBasedSecurityForResteasy implements ServletContextListener {
    static final String ROLE_BASED_SECURITY = "resteasy.role.based.security";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setInitParameter(ROLE_BASED_SECURITY, "true");
    }
}

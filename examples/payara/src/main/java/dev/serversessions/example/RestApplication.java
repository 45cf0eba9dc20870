package dev.serversessions.example;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The example's JAX-RS resources, under {@code /rest} ({@code /api} belongs to the servlets).
 *
 * <p>Jakarta REST itself does not enforce {@code @RolesAllowed} on a resource; each
 * implementation is switched on its own way. Jersey registers its
 * {@code RolesAllowedDynamicFeature} when named in this property, given by name so the example
 * compiles against the Jakarta EE API alone (RESTEasy ignores the property). Payara checks
 * {@code @RolesAllowed} on JAX-RS resources by itself as well ({@code jaxrs-roles-allowed-enabled}
 * in glassfish-web.xml, on by default, which answers an anonymous caller 401 first); the
 * property keeps the check when that is off and on a plain Jersey runtime. RESTEasy (WildFly) is
 * switched on by {@link RoleBasedSecurityForResteasy}.
 */
@ApplicationPath("/rest")
public class RestApplication extends Application {
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.provider.classnames",
                "org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature");
    }
}

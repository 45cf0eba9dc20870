package dev.serversessions.example;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code GET /rest/admin}: the JAX-RS twin of {@code /api/admin}. {@code @RolesAllowed} is
 * checked by the JAX-RS implementation (switched on in {@link RestApplication}) against the
 * caller the library re-established from the server session: 200 for role {@code admin}, 403
 * for another logged-in caller.
 */
@Path("admin")
public class AdminResource {
    @GET
    @RolesAllowed("admin")
    @Produces(MediaType.APPLICATION_JSON)
    public String admin(@Context SecurityContext security) {
        // a String, so no JSON provider of either implementation is involved
        return Json.BUILDERS.createObjectBuilder().add("admin", security.getUserPrincipal().getName()).build().toString();
    }
}

package dev.serversessions.it.deployment.app;

import dev.serversessions.api.ServerSession;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A JAX-RS resource with the session injected: {@code GET|PUT /rest/session/{name}}. */
@Path("session/{name}")
@RequestScoped
public class SessionResource {
    @Inject
    ServerSession session;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String get(@PathParam("name") String name) {
        Object value = session.get(name);
        if (value == null) {
            throw new NotFoundException();
        }
        return String.valueOf(value);
    }

    @PUT
    public void put(@PathParam("name") String name, String value) {
        session.put(name, value);
    }
}

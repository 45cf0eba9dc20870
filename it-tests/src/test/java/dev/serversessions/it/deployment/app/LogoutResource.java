package dev.serversessions.it.deployment.app;

import dev.serversessions.api.ServerSession;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** {@code POST /rest/logout}: ends the session without reading it first. */
@Path("logout")
@RequestScoped
public class LogoutResource {
    @Inject
    ServerSession session;

    @POST
    public void logout() {
        session.invalidate();
    }
}

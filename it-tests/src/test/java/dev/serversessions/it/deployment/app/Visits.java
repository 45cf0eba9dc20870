package dev.serversessions.it.deployment.app;

import dev.serversessions.api.ServerSession;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** A CDI bean of the application's with the session injected into it. */
@RequestScoped
public class Visits {
    @Inject
    ServerSession session;

    /** Counts this visit in the session and returns the count. */
    public int next() {
        Integer visits = session.get("visits", Integer.class);
        int next = visits == null ? 1 : visits + 1;
        session.put("visits", next);
        return next;
    }
}

package dev.serversessions.internal.web;

import dev.serversessions.internal.session.RequestSession;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The runtime's own CDI session context (the one of {@code @SessionScoped}), moved onto the
 * server session while a request passes the filter and handed back before the filter saves.
 * The CDI extension installs one where the runtime's CDI lets it ({@code WeldSessionContext});
 * without one, {@code @SessionScoped} beans stay in the container's session.
 */
public interface ContainerSessionContext {
    /**
     * Moves the context: from now on this thread's {@code @SessionScoped} beans are read from and
     * written to {@code session}.
     *
     * @param containerRequest the request the runtime's CDI associated its context with
     * @param sessionRequest   the request as the application sees it
     * @return what moves the context back; it never throws
     */
    Pass enter(HttpServletRequest containerRequest, HttpServletRequest sessionRequest, RequestSession session);

    /** One move of the context. */
    interface Pass {
        Pass NONE = () -> { };

        /** Hands the context back to the container's request; the beans' changes are in the session by then. */
        void exit();
    }
}

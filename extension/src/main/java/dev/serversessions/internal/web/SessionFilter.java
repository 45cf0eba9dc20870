package dev.serversessions.internal.web;

import dev.serversessions.internal.session.CurrentSession;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionEvents;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gives every request its lazily loaded server session, saves it before the response commits,
 * and turns an unreachable store into HTTP 503 for the requests that needed it. Plain servlet
 * code: it works in a WAR without CDI.
 */
public final class SessionFilter implements Filter {
    static final String COMMIT = SessionCommit.class.getName();
    /** Set while the CDI session context is on the server session: nested passes leave it there. */
    private static final String SESSION_CONTEXT_MOVED = ContainerSessionContext.class.getName();
    /** Set by the CDI extension once the deployment is valid; one per application (this class is in its WAR). */
    private static volatile ContainerSessionContext sessionContext;

    private final SessionRuntime runtime;
    private final SessionEvents events;
    private final StoreOutages outages;
    private ServletContext context;

    /**
     * @param events where session events go; null when {@code SESSION_HTTPSESSION} is off and
     *               nobody listens through the HttpSession API
     */
    public SessionFilter(SessionRuntime runtime, SessionEvents events) {
        this.runtime = runtime;
        this.events = events;
        this.outages = new StoreOutages(runtime::metrics);
    }

    /** Makes {@code @SessionScoped} beans live in the server session ({@link ContainerSessionContext}). */
    public static void useContainerSessionContext(ContainerSessionContext context) {
        sessionContext = context;
    }

    @Override
    public void init(jakarta.servlet.FilterConfig config) {
        this.context = config.getServletContext();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        SessionCommit commit = (SessionCommit) request.getAttribute(COMMIT);
        // the request's own pass through the filter, not a forward, include or error page in it
        boolean outermost = commit == null || request.getDispatcherType() == DispatcherType.REQUEST;
        if (outermost) {
            // authentication may have opened (and used) the session before any filter ran
            SessionCommit early = (SessionCommit) request.getAttribute(AuthenticationSessions.EARLY);
            if (early != null) {
                request.removeAttribute(AuthenticationSessions.EARLY);
                commit = early;
            } else {
                commit = SessionCommit.open(runtime, request, response);
            }
            if (events != null) {
                commit.session().listenWith(events);
            }
            request.setAttribute(COMMIT, commit);
        }
        SaveBeforeCommitResponse wrappedResponse = new SaveBeforeCommitResponse(response, commit);
        SessionRequest wrappedRequest = new SessionRequest(request, wrappedResponse, commit, context,
                runtime.settings().wrapHttpSession(), outages);
        RequestSession outer = CurrentSession.find(); // a pass inside another one's (an error page): handed back after
        CurrentSession.set(commit.session());
        ContainerSessionContext.Pass beans = moveSessionContext(request, wrappedRequest, commit);
        try {
            commit.session().working(true); // SESSION_LOCKING: while a thread is in the chain, its request makes progress
            try {
                chain.doFilter(wrappedRequest, wrappedResponse);
            } finally {
                commit.session().working(false);
                // before the save below, which must see what the beans' last changes wrote
                beans.exit();
            }
            if (!request.isAsyncStarted()) {
                commit.run();
                if (commit.session().isTouched()) {
                    runtime.maybePurge();
                }
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            if (!outages.answer(e, request, response)) {
                throw e;
            }
        } finally {
            if (outer == null) {
                CurrentSession.clear();
            } else {
                CurrentSession.set(outer);
            }
            if (outermost && !request.isAsyncStarted()) {
                // SESSION_LOCKING: after the last save, or after the failure that prevented it;
                // an async request releases when it completes (SavingAsyncContext.SaveAtEnd)
                commit.session().releaseLocks();
            }
        }
    }

    /**
     * The pass that starts a dispatch the runtime's CDI set its context up for (the request, an
     * async dispatch, an error page after the chain) moves it; a forward, include or error page
     * inside the chain finds it moved already.
     */
    private ContainerSessionContext.Pass moveSessionContext(HttpServletRequest request, SessionRequest wrappedRequest,
            SessionCommit commit) {
        ContainerSessionContext context = sessionContext;
        if (context == null || request.getAttribute(SESSION_CONTEXT_MOVED) != null) {
            return ContainerSessionContext.Pass.NONE;
        }
        ContainerSessionContext.Pass pass = context.enter(request, wrappedRequest, commit.session());
        if (pass == ContainerSessionContext.Pass.NONE) {
            return pass;
        }
        request.setAttribute(SESSION_CONTEXT_MOVED, Boolean.TRUE);
        return () -> {
            request.removeAttribute(SESSION_CONTEXT_MOVED);
            pass.exit();
        };
    }
}

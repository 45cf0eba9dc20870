package dev.serversessions.internal.web;

import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The server session for code that runs while the container authenticates a request.
 *
 * <p>Containers authenticate before any filter runs (Jakarta Authentication's
 * {@code validateRequest}), so on a plain request the session filter has not opened the session
 * yet: it is opened here, kept in a request attribute, and the filter adopts that same session
 * when the request reaches it, so the request still loads it at most once. When authentication
 * is asked for inside the filter chain ({@code SecurityContext.authenticate},
 * {@code request.authenticate}), the filter's session is used.
 */
public final class AuthenticationSessions {
    static final String EARLY = AuthenticationSessions.class.getName() + ".early";
    private static final StoreOutages OUTAGES = new StoreOutages(() -> SessionRuntime.forApplication().metrics());

    private AuthenticationSessions() {
    }

    /**
     * Answers the request 503 with {@code Retry-After}, as the session filter does, if
     * {@code failure} is an unavailable store or a session lock not had in time, and commits the
     * answer so that the container sends it as it is.
     *
     * @return false for any other failure, which the caller rethrows
     */
    public static boolean answerUnavailable(RuntimeException failure, HttpServletRequest request, HttpServletResponse response)
            throws java.io.IOException {
        if (!OUTAGES.answer(failure, request, response)) {
            return false;
        }
        response.flushBuffer();
        return true;
    }

    /** The session of this request, opened (lazily: no store call yet) if the filter has not. */
    public static RequestSession of(HttpServletRequest request, HttpServletResponse response) {
        return commit(request, response).session();
    }

    /**
     * The request and response as code that runs while the container authenticates should see
     * them (Jakarta Security's {@code @LoginToContinue}, which keeps the request it saves in
     * {@code request.getSession()}): {@code getSession()} answers from the server session, as
     * behind the filter, and a response the container commits (a redirect to the login page)
     * saves the session and sets its cookie first.
     */
    public static Views views(HttpServletRequest request, HttpServletResponse response) {
        SessionCommit commit = commit(request, response);
        SaveBeforeCommitResponse saving = new SaveBeforeCommitResponse(response, commit);
        return new Views(new SessionRequest(request, saving, commit, request.getServletContext(), true, OUTAGES), saving);
    }

    /** See {@link #views}. */
    public record Views(HttpServletRequest request, HttpServletResponse response) {
    }

    /**
     * Whether the client sent the login hint cookie beside its session cookie (see
     * {@link SessionCookie#loginHintName()}), or its id in the header: only then is the session
     * loaded for the caller on a request nothing else asked to authenticate.
     */
    public static boolean mayHoldCaller(HttpServletRequest request, HttpServletResponse response) {
        return commit(request, response).clientHoldsLoginHint();
    }

    private static SessionCommit commit(HttpServletRequest request, HttpServletResponse response) {
        SessionCommit commit = (SessionCommit) request.getAttribute(SessionFilter.COMMIT);
        if (commit == null) {
            commit = (SessionCommit) request.getAttribute(EARLY);
        }
        if (commit == null) {
            commit = SessionCommit.open(SessionRuntime.forApplication(), request, response);
            request.setAttribute(EARLY, commit);
        }
        return commit;
    }

    /**
     * Saves the session and sets its cookie now if the request has not reached the filter: the
     * container may answer it without running the filter chain at all (a redirect after a
     * FORM login, a 401). Once the filter has adopted the session it saves it as usual.
     */
    public static void saveIfBeforeFilter(HttpServletRequest request) {
        SessionCommit early = (SessionCommit) request.getAttribute(EARLY);
        if (early != null && request.getAttribute(SessionFilter.COMMIT) == null) {
            early.run();
        }
    }

    /**
     * Releases the session lock ({@code SESSION_LOCKING}) of a request the container answered
     * during authentication without running the filter chain: no filter is there to release it,
     * and its session would stay locked until the lease ran out.
     */
    static final class ReleaseUnadoptedLocks implements ServletRequestListener {
        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            if (event.getServletRequest().getAttribute(EARLY) instanceof SessionCommit early
                    && event.getServletRequest().getAttribute(SessionFilter.COMMIT) == null) {
                early.session().releaseLocks();
            }
        }
    }
}

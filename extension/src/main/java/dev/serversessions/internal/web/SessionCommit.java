package dev.serversessions.internal.web;

import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The one place that decides when a session is saved: just before the response commits, and
 * again at the end of the request for whatever changed after that. The cookie is written only
 * while the response can still take headers, and only when it would say something new.
 */
final class SessionCommit {
    private static final Logger LOG = Logger.getLogger(SessionCommit.class.getName());

    private final RequestSession session;
    private final SessionCookie cookie;
    private final SessionIdHeader idHeader;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private CookieAction written = CookieAction.NONE;
    private boolean savedBeforeCommit;
    private int modificationsAtSave;
    /** Whether the client holds the login hint now: null until first needed. */
    private Boolean hint;

    SessionCommit(RequestSession session, SessionCookie cookie, SessionIdHeader idHeader, HttpServletRequest request,
            HttpServletResponse response) {
        this.session = session;
        this.cookie = cookie;
        this.idHeader = idHeader;
        this.request = request;
        this.response = response;
    }

    /** Opens the request's session for the id its header or cookie carries: no store call yet. */
    static SessionCommit open(SessionRuntime runtime, HttpServletRequest request, HttpServletResponse response) {
        SessionCookie cookie = new SessionCookie(runtime.settings(), runtime.ids());
        SessionIdHeader idHeader = new SessionIdHeader(runtime.settings(), runtime.ids());
        return new SessionCommit(runtime.open(cookie.read(request), idHeader.read(request)), cookie, idHeader, request, response);
    }

    RequestSession session() {
        return session;
    }

    /**
     * Saves because the response may be about to commit. Once a save has run for the commit, a
     * streaming response does not save again on every write: that re-encoded every attribute the
     * request read, once per line. It saves again only if the application changed the session
     * since (the cookie may need to say something new); whatever changes after the commit is
     * saved at the end of the request, where nothing could reach the cookie anyway.
     */
    synchronized void runBeforeCommit() {
        if (response.isCommitted()) {
            return;
        }
        if (savedBeforeCommit && session.modifications() == modificationsAtSave) {
            return;
        }
        run();
        savedBeforeCommit = true;
        modificationsAtSave = session.modifications();
    }

    /** Saves what changed and sets the cookie; safe to call any number of times. */
    synchronized void run() {
        CookieAction action = session.save();
        boolean sent = false;
        if (action.kind() != CookieAction.Kind.NONE && !saysTheSame(action, written)) {
            if (response.isCommitted()) {
                if (action.kind() == CookieAction.Kind.SEND && (written.id() == null || !written.id().equals(action.id()))) {
                    LOG.warning(() -> "Session " + SessionIds.logTag(action.id()) + " was created or changed its id after the response to "
                            + request.getRequestURI() + " was committed: the client did not get its cookie");
                }
            } else {
                if (session.answersInCookie()) {
                    cookie.write(request, response, action);
                }
                if (session.answersInHeader()) {
                    idHeader.write(response, action, session.requestedId());
                }
                written = action;
                sent = action.kind() == CookieAction.Kind.SEND;
            }
        }
        updateLoginHint(action, sent);
    }

    /**
     * Whether the client holds the login hint cookie: as sent with the request, until this
     * response changes it. A client that sends its id in the header keeps no cookies, so its
     * session may always hold a caller: it is loaded for the login on every request with an id.
     */
    synchronized boolean clientHoldsLoginHint() {
        if (hint == null) {
            hint = session.idSource() == RequestSession.IdSource.HEADER || cookie.hasLoginHint(request);
        }
        return hint;
    }

    /** Keeps the login hint cookie in step with whether the session holds a caller. */
    private void updateLoginHint(CookieAction action, boolean sessionCookieSent) {
        Boolean loaded = session.holdsCallerIfLoaded();
        if (loaded == null || response.isCommitted() || !session.answersInCookie()) {
            return;
        }
        boolean holds = loaded;
        // re-sent with the session cookie, so that both slide together
        if (holds != clientHoldsLoginHint() || holds && sessionCookieSent) {
            Duration maxAge = null; // a hint that goes needs no lifetime: no load for it (a caller read without the lock)
            if (holds) {
                Instant expires = action.kind() == CookieAction.Kind.SEND ? action.expires() : session.expiryTime();
                boolean permanent = action.kind() == CookieAction.Kind.SEND ? action.permanent() : session.isPermanent();
                maxAge = permanent ? Duration.between(Instant.now(), expires) : null;
            }
            cookie.writeLoginHint(request, response, holds, maxAge);
            hint = holds;
        }
    }

    private static boolean saysTheSame(CookieAction a, CookieAction b) {
        return a.kind() == b.kind() && a.permanent() == b.permanent() && java.util.Objects.equals(a.id(), b.id());
    }
}

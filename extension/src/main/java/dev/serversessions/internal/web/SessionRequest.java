package dev.serversessions.internal.web;

import dev.serversessions.internal.session.RequestSession;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The request as the application sees it: {@code getSession()} answers from the server session
 * (when {@code SESSION_HTTPSESSION} is on, so the container's own JSESSIONID is never created by
 * it), and an async request saves before {@code AsyncContext.complete()} commits the response.
 */
final class SessionRequest extends HttpServletRequestWrapper {
    private final SessionCommit commit;
    private final HttpServletResponse response;
    private final ServletContext context;
    private final boolean wrapHttpSession;
    private final StoreOutages outages;
    private StoreHttpSession httpSession;

    SessionRequest(HttpServletRequest request, HttpServletResponse response, SessionCommit commit,
                   ServletContext context, boolean wrapHttpSession, StoreOutages outages) {
        super(request);
        this.outages = outages;
        this.response = response;
        this.commit = commit;
        this.context = context;
        this.wrapHttpSession = wrapHttpSession;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (!wrapHttpSession) {
            return super.getSession(create);
        }
        RequestSession session = commit.session();
        if (httpSession != null && !httpSession.isInvalidated()) {
            return httpSession;
        }
        if (!create && session.isNew() && session.names().isEmpty()) {
            return null;
        }
        if (create) {
            session.announceCreation();
        }
        httpSession = new StoreHttpSession(session, context);
        return httpSession;
    }

    @Override
    public String changeSessionId() {
        if (!wrapHttpSession) {
            return super.changeSessionId();
        }
        RequestSession session = commit.session();
        if (session.isNew() && session.names().isEmpty()) {
            throw new IllegalStateException("changeSessionId() needs a session; there is none in this request");
        }
        session.regenerate();
        return session.id();
    }

    @Override
    public String getRequestedSessionId() {
        return wrapHttpSession ? commit.session().requestedId() : super.getRequestedSessionId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        if (!wrapHttpSession) {
            return super.isRequestedSessionIdValid();
        }
        RequestSession session = commit.session();
        return session.requestedId() != null && !session.isNew() && session.requestedId().equals(session.id());
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return wrapHttpSession ? commit.session().idSource() == RequestSession.IdSource.COOKIE : super.isRequestedSessionIdFromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return wrapHttpSession ? false : super.isRequestedSessionIdFromURL();
    }

    /**
     * Ends the login in the server session too, so that no server re-establishes the caller
     * afterwards; then lets the container log out (which also calls the authentication
     * mechanism's {@code cleanSubject}).
     */
    @Override
    public void logout() throws ServletException {
        commit.session().logOut();
        super.logout();
    }

    @Override
    public AsyncContext startAsync() {
        return saving(super.startAsync(this, response));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return saving(super.startAsync(request, response));
    }

    /** The same saving view for code that completes through {@code request.getAsyncContext()}. */
    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext async = super.getAsyncContext();
        return async instanceof SavingAsyncContext ? async : new SavingAsyncContext(async, commit, outages, this);
    }

    private AsyncContext saving(AsyncContext async) {
        // saves what the application changed when the async request times out, fails, or is
        // completed by someone who never saw our AsyncContext (the container, another library)
        async.addListener(new SavingAsyncContext.SaveAtEnd(commit, outages, this));
        return new SavingAsyncContext(async, commit, outages, this);
    }
}

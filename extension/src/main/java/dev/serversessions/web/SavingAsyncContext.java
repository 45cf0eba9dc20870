package dev.serversessions.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** An {@link AsyncContext} that saves the session before {@link #complete()} commits the response. */
final class SavingAsyncContext implements AsyncContext {
    private final AsyncContext delegate;
    private final SessionCommit commit;
    private final StoreOutages outages;
    private final HttpServletRequest request;

    SavingAsyncContext(AsyncContext delegate, SessionCommit commit, StoreOutages outages, HttpServletRequest request) {
        this.delegate = delegate;
        this.commit = commit;
        this.outages = outages;
        this.request = request;
    }

    /** Saves first; an unreachable store becomes a 503 here too, since no filter is on this thread. */
    @Override
    public void complete() {
        try {
            commit.run();
        } catch (RuntimeException e) {
            if (!(delegate.getResponse() instanceof HttpServletResponse response) || !answer(e, response)) {
                throw e;
            }
        } finally {
            delegate.complete();
        }
    }

    private boolean answer(RuntimeException e, HttpServletResponse response) {
        try {
            return outages.answer(e, request, response);
        } catch (java.io.IOException io) {
            return true; // the client is gone; nothing more to tell it
        }
    }

    @Override
    public ServletRequest getRequest() {
        return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        delegate.dispatch(context, path);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        delegate.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return delegate.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }
}

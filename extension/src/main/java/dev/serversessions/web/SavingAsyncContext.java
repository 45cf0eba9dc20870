package dev.serversessions.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/** An {@link AsyncContext} that saves the session before {@link #complete()} commits the response. */
final class SavingAsyncContext implements AsyncContext {
    private final AsyncContext delegate;
    private final SessionCommit commit;

    SavingAsyncContext(AsyncContext delegate, SessionCommit commit) {
        this.delegate = delegate;
        this.commit = commit;
    }

    @Override
    public void complete() {
        try {
            commit.run();
        } finally {
            delegate.complete();
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

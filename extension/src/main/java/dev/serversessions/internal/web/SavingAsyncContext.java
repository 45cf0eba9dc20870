package dev.serversessions.internal.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

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

    /**
     * Saves when an async request ends without our {@link #complete()}: on timeout (before the
     * container answers it, so a new session still gets its cookie), on error, and on a complete
     * through the container's own context (the data is saved; the cookie may have left).
     */
    static final class SaveAtEnd implements AsyncListener {
        private static final Logger LOG = Logger.getLogger(SaveAtEnd.class.getName());
        private final SessionCommit commit;
        private final StoreOutages outages;
        private final HttpServletRequest request;

        SaveAtEnd(SessionCommit commit, StoreOutages outages, HttpServletRequest request) {
            this.commit = commit;
            this.outages = outages;
            this.request = request;
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            save(event);
        }

        @Override
        public void onError(AsyncEvent event) {
            save(event);
        }

        /** The async request's last save; then its session's lock is released ({@code SESSION_LOCKING}). */
        @Override
        public void onComplete(AsyncEvent event) {
            try {
                save(event);
            } finally {
                commit.session().releaseLocks();
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a new startAsync goes through SessionRequest again, which registers a new listener
        }

        private void save(AsyncEvent event) {
            try {
                commit.run();
            } catch (RuntimeException e) {
                try {
                    if (!(event.getSuppliedResponse() instanceof HttpServletResponse response)
                            || !outages.answer(e, request, response)) {
                        LOG.log(Level.WARNING, "Session of " + request.getRequestURI() + " not saved at the end of an async request", e);
                    }
                } catch (java.io.IOException io) {
                    LOG.log(Level.FINE, "the client is gone", io);
                }
            }
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

    /** The task runs on a container thread working on the request: progress, as a pass through the filter is ({@code SESSION_LOCKING}). */
    @Override
    public void start(Runnable run) {
        delegate.start(() -> {
            commit.session().working(true);
            try {
                run.run();
            } finally {
                commit.session().working(false);
            }
        });
    }
}

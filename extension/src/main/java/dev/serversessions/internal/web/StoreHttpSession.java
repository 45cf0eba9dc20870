package dev.serversessions.internal.web;

import dev.serversessions.internal.session.RequestSession;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;

/**
 * {@link HttpSession} as a view of the request's server session, so that code written against
 * {@code request.getSession()} stores its attributes in the configured backend unchanged.
 * After {@link #invalidate()} every method throws {@link IllegalStateException}, as the Servlet
 * specification requires.
 */
final class StoreHttpSession implements HttpSession {
    private final RequestSession session;
    private final ServletContext context;
    private boolean invalidated;

    StoreHttpSession(RequestSession session, ServletContext context) {
        this.session = session;
        this.context = context;
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return session.creationTime().toEpochMilli();
    }

    @Override
    public String getId() {
        checkValid();
        return session.id();
    }

    @Override
    public long getLastAccessedTime() {
        checkValid();
        return session.lastAccessTime().toEpochMilli();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        checkValid();
        session.setMaxInactiveSeconds(interval);
    }

    @Override
    public int getMaxInactiveInterval() {
        checkValid();
        return session.maxInactiveSeconds();
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return session.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(session.names());
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        session.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        session.remove(name);
    }

    @Override
    public void invalidate() {
        checkValid();
        invalidated = true;
        session.invalidate();
    }

    @Override
    public boolean isNew() {
        checkValid();
        return session.isNew();
    }

    boolean isInvalidated() {
        return invalidated;
    }

    private void checkValid() {
        if (invalidated) {
            throw new IllegalStateException("This HttpSession has been invalidated");
        }
    }
}

package dev.serversessions.internal.web;

import dev.serversessions.internal.session.ExpiredSession;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;

/**
 * {@link HttpSession} as a view of a session that expired in the store, for the listeners told
 * of it: what it held can be read, as the Servlet specification promises inside
 * {@code sessionDestroyed}. The session is already gone from the store, so a change made here
 * lives only in this view, and {@link #invalidate()} has nothing left to do (as the container's
 * own session being invalidated ignores a second invalidation).
 */
final class ExpiredHttpSession implements HttpSession {
    private final ExpiredSession session;
    private final ServletContext context;

    ExpiredHttpSession(ExpiredSession session, ServletContext context) {
        this.session = session;
        this.context = context;
    }

    @Override
    public long getCreationTime() {
        return session.creationTime().toEpochMilli();
    }

    @Override
    public String getId() {
        return session.id();
    }

    /** The last access that counted: the expiry less the inactivity limit. */
    @Override
    public long getLastAccessedTime() {
        long last = session.expiryTime().toEpochMilli() - 1000L * session.maxInactiveSeconds();
        return Math.max(last, getCreationTime());
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        // the session has ended: there is no later expiry to set
    }

    @Override
    public int getMaxInactiveInterval() {
        return session.maxInactiveSeconds();
    }

    @Override
    public Object getAttribute(String name) {
        return session.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(session.names());
    }

    @Override
    public void setAttribute(String name, Object value) {
        session.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        session.remove(name);
    }

    @Override
    public void invalidate() {
        // being invalidated already
    }

    @Override
    public boolean isNew() {
        return false;
    }

    @Override
    public String toString() {
        return session.toString();
    }
}

package dev.serversessions.internal.security;

import jakarta.security.enterprise.CallerPrincipal;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server session as Jakarta Security's login-to-continue sees it, with Soteria's two
 * attributes (the request saved before the redirect to the login page, the caller between the
 * login and the return to that request) kept in a portable form: the saved request as the JSON
 * text Soteria itself writes and reads ({@code RequestData.toJson()}, {@code RequestData.of(String)}),
 * the caller as its name and groups. Neither Soteria's classes nor a runtime's principal class
 * is ever serialized, so the {@code json} format stores them, the {@code java} format reads them
 * back without an allowlist entry, and another runtime (Payara, WildFly, GlassFish) reads what
 * one wrote. Every other attribute passes through unchanged.
 */
final class SavedLoginSession implements HttpSession {
    private static final Logger LOG = Logger.getLogger(SavedLoginSession.class.getName());
    static final String SAVED_REQUEST = "org.glassfish.soteria.original.request";
    static final String SAVED_CALLER = "org.glassfish.soteria.authentication";
    private static final String REQUEST_DATA = "org.glassfish.soteria.servlet.RequestData";
    private static final String AUTHENTICATION_DATA = "org.glassfish.soteria.servlet.AuthenticationData";
    /** Marks the stored caller list, so that a value of another shape is never taken for one. */
    private static final String CALLER_FORMAT = "saved-caller/1";

    private final HttpSession session;
    /** Loads Soteria's classes: the loader of the runtime's {@code HttpMessageContext}. */
    private final ClassLoader soteria;

    SavedLoginSession(HttpSession session, ClassLoader soteria) {
        this.session = session;
        this.soteria = soteria;
    }

    /** The request whose {@code getSession} answers this view of the server session. */
    static HttpServletRequest request(HttpServletRequest serverSessionRequest, ClassLoader soteria) {
        return new HttpServletRequestWrapper(serverSessionRequest) {
            @Override
            public HttpSession getSession(boolean create) {
                HttpSession session = super.getSession(create);
                return session == null ? null : new SavedLoginSession(session, soteria);
            }

            @Override
            public HttpSession getSession() {
                return getSession(true);
            }
        };
    }

    @Override
    public Object getAttribute(String name) {
        Object value = session.getAttribute(name);
        try {
            if (SAVED_REQUEST.equals(name) && value instanceof String json) {
                return Class.forName(REQUEST_DATA, true, soteria).getMethod("of", String.class).invoke(null, json);
            }
            if (SAVED_CALLER.equals(name) && value instanceof List<?> list && list.size() >= 2 && CALLER_FORMAT.equals(list.get(0))) {
                Set<String> groups = new LinkedHashSet<>();
                list.subList(2, list.size()).forEach(group -> groups.add(String.valueOf(group)));
                return Class.forName(AUTHENTICATION_DATA, true, soteria).getConstructor(Principal.class, Set.class)
                        .newInstance(new CallerPrincipal(String.valueOf(list.get(1))), groups);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // not Soteria's classes (another Jakarta Security), or not these: no saved login
            LOG.log(Level.FINE, "Saved login attribute " + name + " not readable here", e);
            return null;
        }
        return value;
    }

    @Override
    public void setAttribute(String name, Object value) {
        session.setAttribute(name, portable(name, value));
    }

    private static Object portable(String name, Object value) {
        if (value == null) {
            return null;
        }
        try {
            if (SAVED_REQUEST.equals(name) && value.getClass().getName().equals(REQUEST_DATA)) {
                return value.getClass().getMethod("toJson").invoke(value);
            }
            if (SAVED_CALLER.equals(name) && value.getClass().getName().equals(AUTHENTICATION_DATA)) {
                Principal principal = (Principal) value.getClass().getMethod("getPrincipal").invoke(value);
                List<String> caller = new ArrayList<>();
                caller.add(CALLER_FORMAT);
                caller.add(principal.getName());
                for (Object group : (Set<?>) value.getClass().getMethod("getGroups").invoke(value)) {
                    caller.add(String.valueOf(group));
                }
                return caller;
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot keep Jakarta Security's " + name + " in the server session: " + e, e);
        }
        return value;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return session.getAttributeNames();
    }

    @Override
    public void removeAttribute(String name) {
        session.removeAttribute(name);
    }

    @Override
    public long getCreationTime() {
        return session.getCreationTime();
    }

    @Override
    public String getId() {
        return session.getId();
    }

    @Override
    public long getLastAccessedTime() {
        return session.getLastAccessedTime();
    }

    @Override
    public ServletContext getServletContext() {
        return session.getServletContext();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        session.setMaxInactiveInterval(interval);
    }

    @Override
    public int getMaxInactiveInterval() {
        return session.getMaxInactiveInterval();
    }

    @Override
    public void invalidate() {
        session.invalidate();
    }

    @Override
    public boolean isNew() {
        return session.isNew();
    }
}

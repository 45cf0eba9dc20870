package dev.serversessions.internal.web;

import dev.serversessions.internal.session.ExpiredSession;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionEvents;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.NodeList;

/**
 * The application's {@code HttpSession*Listener}s, called for our sessions as the container
 * would call them for its own, and {@link HttpSessionBindingListener} values told when they are
 * bound and unbound.
 *
 * <p>The Servlet API cannot list the listeners a container registered, so the initializer
 * collects the listener classes of the WAR ({@code @WebListener} or {@code <listener-class>} in
 * web.xml) and this class makes its own instances through {@link ServletContext#createListener},
 * which injects them like the container's. The container's instances stay idle: it never
 * creates a session of its own through our request.
 */
final class SessionListeners implements SessionEvents {
    private static final Logger LOG = Logger.getLogger(SessionListeners.class.getName());

    private final ServletContext context;
    private final List<HttpSessionListener> lifecycle = new ArrayList<>();
    private final List<HttpSessionAttributeListener> attributes = new ArrayList<>();
    private final List<HttpSessionIdListener> ids = new ArrayList<>();
    /** Whether the WAR has classes whose instances, stored as values, want {@code valueUnbound}. */
    private boolean bindingValues;

    private SessionListeners(ServletContext context) {
        this.context = context;
    }

    /** Instantiates the WAR's session listeners among {@code candidates}. */
    static SessionListeners create(ServletContext context, Set<Class<?>> candidates) throws ServletException {
        SessionListeners listeners = new SessionListeners(context);
        Set<String> declared = declaredInWebXml(context);
        for (Class<?> type : candidates == null ? Set.<Class<?>>of() : candidates) {
            if (HttpSessionBindingListener.class.isAssignableFrom(type)) {
                listeners.bindingValues = true;
            }
            boolean registered = type.isAnnotationPresent(WebListener.class) || declared.contains(type.getName());
            if (!registered || type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            @SuppressWarnings("unchecked")
            EventListener listener = context.createListener((Class<? extends EventListener>) type);
            listeners.add(listener);
        }
        return listeners;
    }

    private void add(EventListener listener) {
        if (listener instanceof HttpSessionListener l) {
            lifecycle.add(l);
        }
        if (listener instanceof HttpSessionAttributeListener l) {
            attributes.add(l);
        }
        if (listener instanceof HttpSessionIdListener l) {
            ids.add(l);
        }
    }

    private static Set<String> declaredInWebXml(ServletContext context) {
        Set<String> classes = new HashSet<>();
        try (InputStream webXml = context.getResourceAsStream("/WEB-INF/web.xml")) {
            if (webXml == null) {
                return classes;
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setNamespaceAware(true);
            NodeList names = factory.newDocumentBuilder().parse(webXml).getElementsByTagNameNS("*", "listener-class");
            for (int i = 0; i < names.getLength(); i++) {
                classes.add(names.item(i).getTextContent().trim());
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Could not read the listeners of WEB-INF/web.xml; only @WebListener classes get session events", e);
        }
        return classes;
    }

    private StoreHttpSession view(RequestSession session) {
        return new StoreHttpSession(session, context);
    }

    /**
     * Invalidation loads the session only when someone will look at it: a session listener, or
     * a value of the WAR's that wants {@code valueUnbound} (a class of the runtime's own that
     * implements it is not seen here, and is not told when a session ends by logout).
     */
    @Override
    public boolean listensToInvalidation() {
        return !lifecycle.isEmpty() || !attributes.isEmpty() || bindingValues;
    }

    @Override
    public void created(RequestSession session) {
        HttpSessionEvent event = new HttpSessionEvent(view(session));
        lifecycle.forEach(l -> l.sessionCreated(event));
    }

    @Override
    public void destroying(RequestSession session) {
        HttpSessionEvent event = new HttpSessionEvent(view(session));
        for (int i = lifecycle.size() - 1; i >= 0; i--) {
            lifecycle.get(i).sessionDestroyed(event); // reverse order of declaration, as for the container's
        }
    }

    /**
     * Each listener is told even if one before it throws (as the container does on expiry: no
     * request is there to receive the exception); a failure is logged with the listener's name.
     */
    @Override
    public void expired(ExpiredSession session) {
        HttpSessionEvent event = new HttpSessionEvent(new ExpiredHttpSession(session, context));
        for (int i = lifecycle.size() - 1; i >= 0; i--) {
            HttpSessionListener listener = lifecycle.get(i);
            try {
                listener.sessionDestroyed(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, listener.getClass().getName() + ".sessionDestroyed failed on an expired session: " + e, e);
            }
        }
    }

    @Override
    public void attributeRemoved(ExpiredSession session, String name, Object oldValue) {
        ExpiredHttpSession view = new ExpiredHttpSession(session, context);
        if (oldValue instanceof HttpSessionBindingListener unbound) {
            unbound.valueUnbound(new HttpSessionBindingEvent(view, name, oldValue));
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(view, name, oldValue);
        attributes.forEach(l -> l.attributeRemoved(event));
    }

    @Override
    public void idChanged(RequestSession session, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(view(session));
        ids.forEach(l -> l.sessionIdChanged(event, oldId));
    }

    @Override
    public void attributeAdded(RequestSession session, String name, Object value) {
        StoreHttpSession view = view(session);
        if (value instanceof HttpSessionBindingListener bound) {
            bound.valueBound(new HttpSessionBindingEvent(view, name, value));
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(view, name, value);
        attributes.forEach(l -> l.attributeAdded(event));
    }

    @Override
    public void attributeReplaced(RequestSession session, String name, Object oldValue, Object newValue) {
        StoreHttpSession view = view(session);
        if (newValue instanceof HttpSessionBindingListener bound) {
            bound.valueBound(new HttpSessionBindingEvent(view, name, newValue));
        }
        if (oldValue instanceof HttpSessionBindingListener unbound) {
            unbound.valueUnbound(new HttpSessionBindingEvent(view, name, oldValue));
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(view, name, oldValue);
        attributes.forEach(l -> l.attributeReplaced(event));
    }

    @Override
    public void attributeRemoved(RequestSession session, String name, Object oldValue) {
        StoreHttpSession view = view(session);
        if (oldValue instanceof HttpSessionBindingListener unbound) {
            unbound.valueUnbound(new HttpSessionBindingEvent(view, name, oldValue));
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(view, name, oldValue);
        attributes.forEach(l -> l.attributeRemoved(event));
    }
}

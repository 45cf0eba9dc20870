package dev.serversessions.internal.cdi;

import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.web.ContainerSessionContext;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Weld's session context (the one of {@code @SessionScoped}, in Payara, GlassFish, WildFly and
 * Open Liberty) on the server session. Weld's request listener associates that context with the
 * container's request before any filter runs; for each pass through the filter this moves it to
 * the library's request ({@link StoredBeans} answers Weld's attributes from the server session)
 * and back to the container's request before the filter saves, so that Weld's own end of the
 * request finds what it left.
 *
 * <p>Everything is reached through Weld's own class loader, by name: its API
 * ({@code HttpSessionContext}: associate, activate, deactivate, dissociate) and one class of its
 * implementation, {@code SessionHolder} ({@code org.jboss.weld.module.web.servlet}), the thread's session that Weld's bean store reads
 * instead of asking the request (set by Weld's listeners, which never hear of the server
 * session). Runtimes do not all let a WAR see Weld's classes; every runtime lets Weld's loader
 * see them.
 *
 * <p>Weld names a bean's attribute by its index in the deployment ({@code WELD_S#3}), which
 * another deployment or runtime may give another bean; the server session names it after the
 * bean ({@code __ss:bean:<class>}, as for {@code @ServerSessionScoped}) and stores the instance
 * alone, never Weld's wrapper of it (whose classes no store should have to deserialize). Which
 * index is which bean is asked of Weld itself, once ({@link #names}).
 */
final class WeldSessionContext implements ContainerSessionContext {
    private static final Logger LOG = Logger.getLogger(WeldSessionContext.class.getName());
    private static final String CONTEXT_API = "org.jboss.weld.context.http.HttpSessionContext";
    /** Weld 3 and later (Jakarta EE 9+: all four runtimes), then Weld 2. */
    private static final List<String> SESSION_HOLDERS = List.of("org.jboss.weld.module.web.servlet.SessionHolder",
            "org.jboss.weld.servlet.SessionHolder");
    private static final String CONTEXTUAL_INSTANCE = "org.jboss.weld.context.api.ContextualInstance";

    private final BeanManager beans;
    private final Object context;
    private final Method associate;
    private final Method dissociate;
    private final Method activate;
    private final Method deactivate;
    private final Method invalidate;
    private final Method holdSessionOf;
    private final Class<?> contextualInstance;
    private final Method instanceOf;
    private final Collection<SessionScopedBean> sessionScoped;
    private volatile Map<String, SessionScopedBean> names;
    /** The hash of Weld's bean index that Weld checks a session against: this deployment's own, never stored. */
    private volatile Object indexHash;
    private volatile boolean broken;
    /** Weld's names of beans the codec refused to store: the container's session keeps them. */
    private final Set<String> unstorable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private WeldSessionContext(BeanManager beans, Object context, Class<?> api, ClassLoader weld,
            Collection<SessionScopedBean> sessionScoped) throws ReflectiveOperationException {
        this.beans = beans;
        this.context = context;
        this.associate = api.getMethod("associate", Object.class);
        this.dissociate = api.getMethod("dissociate", Object.class);
        this.activate = api.getMethod("activate");
        this.deactivate = api.getMethod("deactivate");
        this.invalidate = api.getMethod("invalidate");
        this.holdSessionOf = sessionHolder(context.getClass().getClassLoader())
                .getMethod("requestInitialized", HttpServletRequest.class);
        this.contextualInstance = Class.forName(CONTEXTUAL_INSTANCE, false, weld);
        this.instanceOf = contextualInstance.getMethod("getInstance");
        this.sessionScoped = sessionScoped;
    }

    private static Class<?> sessionHolder(ClassLoader weld) throws ClassNotFoundException {
        for (String name : SESSION_HOLDERS) {
            try {
                return Class.forName(name, false, weld);
            } catch (ClassNotFoundException e) {
                // the other version's
            }
        }
        throw new ClassNotFoundException(String.join(" or ", SESSION_HOLDERS));
    }

    private static List<ClassLoader> weldLoaders(BeanManager beans) {
        List<ClassLoader> loaders = new java.util.ArrayList<>();
        loaders.add(beans.getClass().getClassLoader());
        try {
            loaders.add(beans.createCreationalContext(null).getClass().getClassLoader());
        } catch (RuntimeException e) {
            // a bean manager that wants a bean for it
        }
        return loaders;
    }

    /** A {@code @SessionScoped} bean, its name in the server session, and why it cannot be stored there (or null). */
    record SessionScopedBean(Bean<?> bean, String key, String unstorable) {
    }

    /**
     * Weld's session context of this deployment, or empty (with the reason) where the runtime's
     * CDI is not Weld or hides it.
     */
    static Optional<WeldSessionContext> find(BeanManager beans, Collection<SessionScopedBean> sessionScoped,
            Consumer<String> noWeld) {
        Class<?> api = null;
        ClassLoader weld = null;
        // the bean manager may be a runtime's wrapper; a creational context is Weld's own
        for (ClassLoader candidate : weldLoaders(beans)) {
            try {
                api = Class.forName(CONTEXT_API, false, candidate);
                weld = candidate;
                break;
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // not Weld's loader
            }
        }
        if (api == null) {
            noWeld.accept("the CDI implementation is not Weld (" + beans.getClass().getName() + ")");
            return Optional.empty();
        }
        try {
            Set<Bean<?>> found = beans.getBeans(api, Any.Literal.INSTANCE);
            if (found.isEmpty()) {
                found = beans.getBeans(api);
            }
            Bean<?> bean = beans.resolve(found);
            if (bean == null) {
                noWeld.accept("Weld has no bean of " + CONTEXT_API);
                return Optional.empty();
            }
            Object context = beans.getReference(bean, api, beans.createCreationalContext(bean));
            return Optional.of(new WeldSessionContext(beans, context, api, weld, sessionScoped));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            noWeld.accept("Weld's session context cannot be reached (" + e + ")");
            return Optional.empty();
        }
    }

    @Override
    public Pass enter(HttpServletRequest containerRequest, HttpServletRequest sessionRequest, RequestSession session) {
        if (broken || !((Context) context).isActive()) {
            return Pass.NONE; // Weld did not set the context up for this request: nothing to move
        }
        HttpServletRequest weldRequest;
        try {
            call(deactivate);
            call(dissociate, containerRequest);
        } catch (RuntimeException e) {
            return failed(e, containerRequest);
        }
        try {
            Map<String, SessionScopedBean> known = names(sessionRequest);
            weldRequest = new SessionOf(sessionRequest, new StoredBeans(session, known, containerRequest));
            call(holdSessionOf, weldRequest);
            call(associate, weldRequest);
            call(activate);
        } catch (RuntimeException e) {
            return failed(e, containerRequest);
        }
        return () -> {
            try {
                if (session.wasInvalidated()) {
                    call(invalidate); // the instances this request used are destroyed (@PreDestroy) now
                }
                call(deactivate);
                call(dissociate, weldRequest);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Weld's session context could not be ended on the server session", e);
            } finally {
                backToContainer(containerRequest);
            }
        };
    }

    /** Weld's own request end deactivates and dissociates the context it associated: it finds it so again. */
    private void backToContainer(HttpServletRequest containerRequest) {
        try {
            call(holdSessionOf, containerRequest);
            call(associate, containerRequest);
            call(activate);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Weld's session context could not be handed back to the container's request", e);
        }
    }

    private Pass failed(RuntimeException e, HttpServletRequest containerRequest) {
        broken = true;
        LOG.log(Level.SEVERE, "@SessionScoped beans stay in the container's session from now on: Weld's session context "
                + "could not be moved to the server session", e);
        try {
            call(dissociate, containerRequest);
        } catch (RuntimeException ignored) {
            // it may not have been associated again yet
        }
        backToContainer(containerRequest);
        return Pass.NONE;
    }

    /**
     * Weld's attribute name of each {@code @SessionScoped} bean, asked of Weld once: with the
     * context on a session that only listens, looking a bean up (without creating it) makes Weld
     * ask that session for the bean's attribute.
     */
    private Map<String, SessionScopedBean> names(HttpServletRequest request) {
        Map<String, SessionScopedBean> known = names;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (names != null) {
                return names;
            }
            Listening listening = new Listening();
            HttpServletRequest probe = new SessionOf(request, listening);
            call(holdSessionOf, probe);
            call(associate, probe);
            call(activate);
            Map<String, SessionScopedBean> found = new HashMap<>();
            try {
                for (SessionScopedBean bean : sessionScoped) {
                    listening.asked = null;
                    ((Context) context).get(bean.bean());
                    if (listening.asked != null) {
                        found.put(listening.asked, bean);
                    }
                }
            } finally {
                call(deactivate);
                call(dissociate, probe);
            }
            names = Map.copyOf(found);
            LOG.fine(() -> "Weld's names of the @SessionScoped beans: " + found.keySet());
            return names;
        }
    }

    /** Calls a method of Weld's context, or a static one of Weld's. */
    private Object call(Method method, Object... arguments) {
        return invoke(method, Modifier.isStatic(method.getModifiers()) ? null : context, arguments);
    }

    private static Object invoke(Method method, Object target, Object... arguments) {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request Weld's context is associated with: its session is the given one, created or not. */
    private static final class SessionOf extends HttpServletRequestWrapper {
        private final HttpSession session;

        SessionOf(HttpServletRequest request, HttpSession session) {
            super(request);
            this.session = session;
        }

        @Override
        public HttpSession getSession() {
            return session;
        }

        @Override
        public HttpSession getSession(boolean create) {
            return session;
        }
    }

    /** Notes the attribute Weld asks for; holds nothing. */
    private final class Listening extends WeldSession {
        String asked;

        @Override
        public Object getAttribute(String name) {
            if (name.startsWith(AttributeNames.WELD_PREFIX) && !name.equals(AttributeNames.WELD_INDEX_HASH)) {
                asked = name;
                return null;
            }
            return super.getAttribute(name);
        }
    }

    /** Weld's names that are none of its beans. */
    private static final class AttributeNames {
        static final String WELD_PREFIX = "WELD_S";
        static final String WELD_INDEX_HASH = "WELD_S_HASH";
        static final String LOCK_STORE = "org.jboss.weld.context.beanstore.http.LockStore";
    }

    /**
     * The session Weld's bean store sees, without the beans: the index hash Weld checks (this
     * deployment's own, so that a session shared with another deployment or runtime never fails
     * Weld's check) and Weld's lock store, which serializes the creation of beans in one request.
     */
    private class WeldSession extends HttpSessionView {
        private Object lockStore;

        @Override
        public Object getAttribute(String name) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH)) {
                return indexHash;
            }
            return name.equals(AttributeNames.LOCK_STORE) ? lockStore : null;
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH)) {
                indexHash = value;
            } else if (name.equals(AttributeNames.LOCK_STORE)) {
                lockStore = value;
            }
        }
    }

    /**
     * Weld's attributes on the server session: a bean's instance is the attribute named after
     * the bean; a bean that cannot be stored there stays in the container's session.
     */
    private final class StoredBeans extends WeldSession {
        private final RequestSession session;
        private final Map<String, SessionScopedBean> known;
        private final HttpServletRequest containerRequest;
        /** What Weld was handed in this request, by Weld's name: the same object again. */
        private final Map<String, Object> handedOut = new HashMap<>();

        StoredBeans(RequestSession session, Map<String, SessionScopedBean> known, HttpServletRequest containerRequest) {
            this.session = session;
            this.known = known;
            this.containerRequest = containerRequest;
        }

        private SessionScopedBean stored(String name) {
            SessionScopedBean bean = known.get(name);
            return bean != null && bean.unstorable() == null && !unstorable.contains(name) ? bean : null;
        }

        @Override
        public Object getAttribute(String name) {
            SessionScopedBean bean = stored(name);
            if (bean == null) {
                Object own = super.getAttribute(name);
                if (own != null || name.equals(AttributeNames.WELD_INDEX_HASH) || name.equals(AttributeNames.LOCK_STORE)) {
                    return own;
                }
                HttpSession container = containerRequest.getSession(false);
                return container == null ? null : container.getAttribute(name);
            }
            Object given = handedOut.get(name);
            if (given != null) {
                return given;
            }
            Object instance = session.bean(bean.key());
            if (instance == null) {
                return null;
            }
            Object wrapped = contextualInstance(bean.bean(), instance);
            handedOut.put(name, wrapped);
            return wrapped;
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH) || name.equals(AttributeNames.LOCK_STORE)) {
                super.setAttribute(name, value);
                return;
            }
            SessionScopedBean bean = stored(name);
            if (bean == null) {
                containerRequest.getSession(true).setAttribute(name, value);
                return;
            }
            Object instance = invoke(instanceOf, value);
            try {
                session.putBean(bean.key(), instance);
            } catch (IllegalArgumentException e) {
                // the codec refuses it (a class outside WEB-INF/classes and SESSION_SERIALIZATION_ALLOWLIST):
                // the container's session keeps this bean from now on, as it did before the library
                if (unstorable.add(name)) {
                    LOG.warning("@SessionScoped bean " + bean.key() + " stays in the container's session: " + e.getMessage());
                }
                containerRequest.getSession(true).setAttribute(name, value);
                return;
            }
            handedOut.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            SessionScopedBean bean = stored(name);
            if (bean == null) {
                HttpSession container = containerRequest.getSession(false);
                if (container != null) {
                    container.removeAttribute(name);
                }
                return;
            }
            handedOut.remove(name);
            session.removeBean(bean.key());
        }

        /**
         * The beans Weld holds in this request: Weld lists names only to destroy what it holds
         * (after an invalidate) or to copy it, and could not do either with one it has not read;
         * the server session has dropped all of them by then anyway.
         */
        @Override
        public java.util.Enumeration<String> getAttributeNames() {
            return java.util.Collections.enumeration(List.copyOf(handedOut.keySet()));
        }

        @Override
        public String getId() {
            return session.id();
        }

        @Override
        public boolean isNew() {
            return session.isNew();
        }

        @Override
        public long getCreationTime() {
            return session.creationTime().toEpochMilli();
        }

        @Override
        public long getLastAccessedTime() {
            return session.lastAccessTime().toEpochMilli();
        }

        @Override
        public int getMaxInactiveInterval() {
            return session.maxInactiveSeconds();
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            session.setMaxInactiveSeconds(interval);
        }

        @Override
        public void invalidate() {
            session.invalidate();
        }

        @Override
        public jakarta.servlet.ServletContext getServletContext() {
            return containerRequest.getServletContext();
        }
    }

    /** Weld's holder of an instance, for an instance read from the store: the bean and a fresh creational context. */
    private Object contextualInstance(Bean<?> bean, Object instance) {
        Object[] creational = new Object[1];
        return java.lang.reflect.Proxy.newProxyInstance(contextualInstance.getClassLoader(), new Class<?>[] {contextualInstance},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getInstance" -> instance;
                    case "getContextual" -> bean;
                    case "getCreationalContext" -> {
                        if (creational[0] == null) {
                            creational[0] = beans.createCreationalContext(bean);
                        }
                        yield creational[0];
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == arguments[0];
                    case "toString" -> "stored instance of " + bean;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A session of Weld's own use: what Weld's bean store does not ask has neutral answers. */
    private abstract static class HttpSessionView implements HttpSession {
        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public String getId() {
            return "";
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public jakarta.servlet.ServletContext getServletContext() {
            return null;
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
        }

        @Override
        public int getMaxInactiveInterval() {
            return 0;
        }

        @Override
        public java.util.Enumeration<String> getAttributeNames() {
            return java.util.Collections.emptyEnumeration();
        }

        @Override
        public void removeAttribute(String name) {
        }

        @Override
        public void invalidate() {
        }

        @Override
        public boolean isNew() {
            return false;
        }
    }
}

package dev.serversessions.internal.cdi;

import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.web.ContainerSessionContext;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
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
 * the library's request ({@link WeldSessions.StoredBeans} answers Weld's attributes from the server session)
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
 *
 * <p>Weld's conversation context reads the same thread's session: where the extension gives it
 * one ({@link #moveConversations}), it is moved within each pass of this one and ended first
 * ({@link WeldConversationContext}).
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
    private final ClassLoader weld;
    private final Method associate;
    private final Method dissociate;
    private final Method activate;
    private final Method deactivate;
    private final Method invalidate;
    private final Method holdSessionOf;
    private final Method releaseHeld;
    private final Class<?> contextualInstance;
    private final Method instanceOf;
    private final Collection<SessionScopedBean> sessionScoped;
    private volatile Map<String, SessionScopedBean> names;
    /** The hash of Weld's bean index that Weld checks a session against: this deployment's own, never stored. */
    private volatile Object indexHash;
    private volatile boolean broken;
    /** Weld's conversation context, moved with this one ({@link WeldConversationContext}); null: it stays. */
    private volatile WeldConversationContext conversations;
    /** Weld's names of beans the codec refused to store: the container's session keeps them. */
    private final Set<String> unstorable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private WeldSessionContext(BeanManager beans, Object context, Class<?> api, ClassLoader weld,
            Collection<SessionScopedBean> sessionScoped) throws ReflectiveOperationException {
        this.beans = beans;
        this.context = context;
        this.weld = weld;
        this.associate = api.getMethod("associate", Object.class);
        this.dissociate = api.getMethod("dissociate", Object.class);
        this.activate = api.getMethod("activate");
        this.deactivate = api.getMethod("deactivate");
        this.invalidate = api.getMethod("invalidate");
        Class<?> holder = sessionHolder(context.getClass().getClassLoader());
        this.holdSessionOf = holder.getMethod("requestInitialized", HttpServletRequest.class);
        this.releaseHeld = holder.getMethod("clear");
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

    /** Moves Weld's conversation context with this one from now on. */
    void moveConversations(WeldConversationContext conversations) {
        this.conversations = conversations;
    }

    /** Weld's loader, where its conversation context is found too. */
    ClassLoader weldLoader() {
        return weld;
    }

    /** One move of the conversation context, ended before the session context's. */
    interface ConversationPass {
        void exit();
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
        if (broken) {
            return Pass.NONE;
        }
        if (!((Context) context).isActive()) {
            // Weld set nothing up for this pass. Payara and GlassFish do not for an async dispatch
            // (the container's own @SessionScoped fails there: "WELD-001303: No active contexts");
            // on the server session it can be set up without the container's request
            return containerRequest.getDispatcherType() == DispatcherType.ASYNC ? own(containerRequest, sessionRequest, session) : Pass.NONE;
        }
        try {
            call(deactivate);
            call(dissociate, containerRequest);
        } catch (RuntimeException e) {
            return failed(e, containerRequest);
        }
        HttpServletRequest weldRequest;
        try {
            weldRequest = onServerSession(containerRequest, sessionRequest, session);
        } catch (RuntimeException e) {
            return failed(e, containerRequest);
        }
        WeldConversationContext moving = conversations;
        ConversationPass conversation = moving == null ? null
                : moving.enter(containerRequest, sessionRequest, weldRequest, (WeldSessions.StoredBeans) weldRequest.getSession());
        Pass end = end(session, weldRequest, () -> backToContainer(containerRequest));
        return conversation == null ? end : () -> {
            // while the thread's session (SessionHolder) is still the server session's view
            conversation.exit();
            end.exit();
        };
    }

    /** Sets the context up on the server session for a pass Weld left without it; ends it after the pass. */
    private Pass own(HttpServletRequest containerRequest, HttpServletRequest sessionRequest, RequestSession session) {
        HttpServletRequest weldRequest;
        try {
            weldRequest = onServerSession(containerRequest, sessionRequest, session);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Weld's session context could not be set up on the server session for an async dispatch", e);
            return Pass.NONE;
        }
        return end(session, weldRequest, () -> call(releaseHeld));
    }

    /** Associates and activates the context on the server session of this pass: the request Weld is given. */
    private HttpServletRequest onServerSession(HttpServletRequest containerRequest, HttpServletRequest sessionRequest,
            RequestSession session) {
        Map<String, SessionScopedBean> known = names(sessionRequest);
        HttpServletRequest weldRequest = new WeldSessions.SessionOf(sessionRequest,
                new WeldSessions.StoredBeans(this, session, known, containerRequest));
        call(holdSessionOf, weldRequest);
        call(associate, weldRequest);
        call(activate);
        return weldRequest;
    }

    /**
     * The end of a pass on the server session: the instances an invalidate ended are destroyed
     * ({@code @PreDestroy}), the context is deactivated and dissociated, then {@code handBack}
     * runs whatever happened.
     */
    private Pass end(RequestSession session, HttpServletRequest weldRequest, Runnable handBack) {
        return () -> {
            try {
                if (session.wasInvalidated()) {
                    call(invalidate);
                }
                call(deactivate);
                call(dissociate, weldRequest);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Weld's session context could not be ended on the server session", e);
            } finally {
                handBack.run();
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
            WeldSessions.Listening listening = new WeldSessions.Listening(this);
            HttpServletRequest probe = new WeldSessions.SessionOf(request, listening);
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

    /** Calls a method of Weld's, its own exceptions unwrapped (also for {@link WeldConversationContext}). */
    static Object invoke(Method method, Object target, Object... arguments) {
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

    /** This deployment's hash of Weld's bean index, once Weld has told it ({@link WeldSessions}). */
    Object indexHash() {
        return indexHash;
    }

    void indexHash(Object hash) {
        indexHash = hash;
    }

    /** Whether the codec refused to store the bean Weld calls so: the container's session keeps it. */
    boolean refused(String name) {
        return unstorable.contains(name);
    }

    /** Notes a bean the codec refused; true the first time. */
    boolean refuse(String name) {
        return unstorable.add(name);
    }

    /** The bean instance in one of Weld's {@code ContextualInstance}s. */
    Object instanceIn(Object contextualInstance) {
        return invoke(instanceOf, contextualInstance);
    }

    /** Weld's holder of an instance, for an instance read from the store: the bean and a fresh creational context. */
    Object contextualInstance(Bean<?> bean, Object instance) {
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

}

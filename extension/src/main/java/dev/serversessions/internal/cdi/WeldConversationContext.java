package dev.serversessions.internal.cdi;

import dev.serversessions.internal.session.RequestSession;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Conversation;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Weld's conversation context (the one of {@code @ConversationScoped}) on the server session,
 * moved for each pass through the filter while {@link WeldSessionContext} holds the session
 * context there. Weld's request listener associates it with the container's request and
 * activates it lazily ({@code LazyHttpConversationContextImpl}: the {@code cid} is read at the
 * first use of a conversation); this moves it, still unused, to a request of its own and hands it
 * back unused, so that Weld's own end of the request finds nothing to do.
 *
 * <p>Weld keeps a conversation in the session ({@code HttpConversationContextImpl}, through the
 * thread's session that {@code SessionHolder} holds, which is the server session's view
 * {@link WeldSessions.StoredBeans} in a moved pass): the map of conversations (mutable
 * {@code ConversationImpl}s, changed in place at each use), the id generator, and each bean's
 * {@code ContextualInstance} as {@code WELD_C.<cid>#<the bean, or its index>}. All of them are Weld's
 * own classes, so the codec seals them ({@code RuntimeStateSeal}); they are stored as they are,
 * under the hash of Weld's bean index of this deployment ({@code weld-conversation:<hash>:}):
 * another deployment or runtime, whose Weld numbers beans otherwise or whose classes differ,
 * finds no conversation there (Weld answers as for an ended one) instead of another bean, or
 * bytes it cannot read. Weld's request attributes of the pass stay on its request, never the
 * container's, whose session Weld's own end of the request would copy them into.
 */
final class WeldConversationContext {
    private static final Logger LOG = Logger.getLogger(WeldConversationContext.class.getName());
    private static final String CONTEXT_API = "org.jboss.weld.context.http.HttpConversationContext";
    /** Weld's session attributes of conversations: each one's beans, the map of conversations, the id generator. */
    private static final List<String> SESSION_ATTRIBUTES = List.of("WELD_C", "org.jboss.weld.context.ConversationContext.",
            "org.jboss.weld.contexts.conversation.");
    /** Weld's request attributes of a conversation: the map, the current one, the naming scheme, the id generator. */
    private static final List<String> REQUEST_ATTRIBUTES = List.of("org.jboss.weld.context.ConversationContext.",
            "org.jboss.weld.contexts.");
    private static final String CONVERSATIONS = "org.jboss.weld.context.ConversationContext.conversations";

    private final BeanManager beans;
    private final Object context;
    private final Method associate;
    private final Method dissociate;
    private final Method activateLazily;
    private final Method deactivate;
    private final Method invalidate;
    private final Method currentConversation;
    private final Method isInitialized;
    /** The server session's name of Weld's attributes: this deployment's bean index in it. */
    private final String keyPrefix;
    private volatile boolean broken;
    private volatile boolean refusalLogged;

    private WeldConversationContext(BeanManager beans, Object context, Class<?> api, String indexHash)
            throws ReflectiveOperationException {
        this.beans = beans;
        this.context = context;
        this.associate = api.getMethod("associate", Object.class);
        this.dissociate = api.getMethod("dissociate", Object.class);
        this.activateLazily = api.getMethod("activateLazily", Consumer.class);
        this.deactivate = api.getMethod("deactivate");
        this.invalidate = api.getMethod("invalidate");
        this.currentConversation = api.getMethod("getCurrentConversation");
        this.isInitialized = context.getClass().getMethod("isInitialized");
        this.keyPrefix = "weld-conversation:" + indexHash + ":";
    }

    /**
     * Weld's conversation context of this deployment, through Weld's own loader, or empty (with
     * the reason): where it is not Weld's lazy one, it reads the container's session before any
     * filter runs, and there is nothing to move.
     */
    static Optional<WeldConversationContext> find(BeanManager beans, ClassLoader weld, Consumer<String> notMoved) {
        try {
            Class<?> api = Class.forName(CONTEXT_API, false, weld);
            Set<Bean<?>> found = beans.getBeans(api, Any.Literal.INSTANCE);
            Bean<?> bean = beans.resolve(found.isEmpty() ? beans.getBeans(api) : found);
            if (bean == null) {
                notMoved.accept("Weld has no bean of " + CONTEXT_API);
                return Optional.empty();
            }
            Object context = beans.getReference(bean, api, beans.createCreationalContext(bean));
            if (!hasMethod(context.getClass(), "isInitialized")) {
                notMoved.accept("Weld's conversation context is not the lazy one (" + context.getClass().getName()
                        + "): it reads the container's session before any filter runs");
                return Optional.empty();
            }
            return Optional.of(new WeldConversationContext(beans, context, api, indexHash(context)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            notMoved.accept("Weld's conversation context cannot be reached (" + e + ")");
            return Optional.empty();
        }
    }

    private static boolean hasMethod(Class<?> type, String name) {
        try {
            type.getMethod(name);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The hash of Weld's bean index the context names beans by
     * ({@code AbstractConversationContext.beanIdentifierIndex}); {@code noindex} where Weld has
     * none (Payara, measured) and names each bean by its whole identifier, which names the
     * deployment too.
     */
    private static String indexHash(Object context) throws ReflectiveOperationException {
        for (Class<?> type = context.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("beanIdentifierIndex");
                field.setAccessible(true);
                Object index = field.get(context);
                return index == null ? "noindex" : String.valueOf(index.getClass().getMethod("getIndexHash").invoke(index));
            } catch (NoSuchFieldException e) {
                // the superclass's
            }
        }
        throw new NoSuchFieldException("beanIdentifierIndex of " + context.getClass().getName());
    }

    /** Whether Weld names a session attribute of its conversations so. */
    static boolean isSessionAttribute(String name) {
        return startsWithAny(name, SESSION_ATTRIBUTES);
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the context, unused, from the container's request to {@code weldRequest} (whose
     * session is {@code stored}); the pass returned hands it back. Nothing where the context is
     * inactive (all four runtimes activate it before any filter runs: measured), or was used
     * before the filter (its conversation read the container's session).
     */
    WeldSessionContext.ConversationPass enter(HttpServletRequest containerRequest, HttpServletRequest sessionRequest,
            HttpServletRequest weldRequest, WeldSessions.StoredBeans stored) {
        if (broken) {
            return null;
        }
        if (!((Context) context).isActive() || (boolean) call(isInitialized)) {
            return null;
        }
        HttpServletRequest own = new OwnAttributes(weldRequest);
        Consumer<HttpServletRequest> initialized = r -> fire(sessionRequest, Initialized.Literal.CONVERSATION);
        try {
            // not initialized: Weld's lazy context drops its thread's state and reads nothing
            call(deactivate);
            call(dissociate, containerRequest);
            stored.holdConversations(this);
            call(associate, own);
            call(activateLazily, initialized);
        } catch (RuntimeException e) {
            broken = true;
            LOG.log(Level.SEVERE, "@ConversationScoped beans stay in the container's session from now on: Weld's "
                    + "conversation context could not be moved to the server session", e);
            stored.holdConversations(null);
            backToContainer(containerRequest, own, initialized);
            return null;
        }
        return () -> {
            try {
                endPass(sessionRequest);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Weld's conversation context could not be ended on the server session", e);
            } finally {
                backToContainer(containerRequest, own, initialized);
            }
        };
    }

    /** What Weld's own end of a request does with the context, on the server session. */
    private void endPass(HttpServletRequest sessionRequest) {
        if (!(boolean) call(isInitialized)) {
            call(deactivate);
            return;
        }
        boolean ended = ((Conversation) call(currentConversation)).isTransient();
        if (ended) {
            fire(sessionRequest, BeforeDestroyed.Literal.CONVERSATION);
        }
        call(invalidate); // ends the expired conversations of the session, as Weld's listener does
        call(deactivate); // stores a conversation begun in this pass, destroys an ended one
        if (ended) {
            fire(sessionRequest, Destroyed.Literal.CONVERSATION);
        }
    }

    /** Dissociates the context from the pass's request and associates it, activated lazily and unused, with the container's. */
    private void backToContainer(HttpServletRequest containerRequest, HttpServletRequest own,
            Consumer<HttpServletRequest> initialized) {
        try {
            call(dissociate, own); // copies a new map of conversations and id generator into the server session
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Weld's conversation context could not be dissociated from the server session", e);
        }
        try {
            call(associate, containerRequest);
            call(activateLazily, initialized);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Weld's conversation context could not be handed back to the container's request", e);
        }
    }

    private void fire(HttpServletRequest request, Annotation qualifier) {
        beans.getEvent().select(HttpServletRequest.class, qualifier).fire(request);
    }

    // ---- what StoredBeans asks: Weld's conversation attributes in the server session ----

    Object read(RequestSession session, HttpServletRequest containerRequest, String name) {
        Object stored = session.beans().get(keyPrefix + name);
        if (stored != null) {
            return stored;
        }
        HttpSession container = containerRequest.getSession(false);
        return container == null ? null : container.getAttribute(name); // one the codec refused
    }

    void write(RequestSession session, HttpServletRequest containerRequest, String name, Object value) {
        if (value instanceof Map<?, ?> map && map.isEmpty() && name.equals(CONVERSATIONS)
                && session.beans().get(keyPrefix + name) == null) {
            // Weld's end of a transient conversation makes a map of none: nothing to keep, no session to start.
            // Weld keeps it on its request, and stores it once a conversation is in it (dissociate).
            return;
        }
        try {
            session.beans().put(keyPrefix + name, value);
        } catch (IllegalArgumentException e) {
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.warning("Weld's conversation state '" + name + "' stays in the container's session: " + e.getMessage());
            }
            containerRequest.getSession(true).setAttribute(name, value);
        }
    }

    void remove(RequestSession session, HttpServletRequest containerRequest, String name) {
        session.beans().remove(keyPrefix + name);
        HttpSession container = containerRequest.getSession(false);
        if (container != null) {
            container.removeAttribute(name);
        }
    }

    /** Weld's names of the conversation attributes the server session holds: Weld lists them to destroy an ended conversation. */
    Set<String> names(RequestSession session) {
        return session.beans().keys(keyPrefix).stream().map(key -> key.substring(keyPrefix.length()))
                .collect(Collectors.toSet());
    }

    private Object call(Method method, Object... arguments) {
        try {
            return method.invoke(context, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The request Weld's conversation context is associated with in a pass: Weld's own request
     * attributes of a conversation stay here, as the container's session never sees them.
     */
    private static final class OwnAttributes extends HttpServletRequestWrapper {
        private final Map<String, Object> weldAttributes = new HashMap<>();

        OwnAttributes(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            return startsWithAny(name, REQUEST_ATTRIBUTES) ? weldAttributes.get(name) : super.getAttribute(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (startsWithAny(name, REQUEST_ATTRIBUTES)) {
                weldAttributes.put(name, value);
            } else {
                super.setAttribute(name, value);
            }
        }

        @Override
        public void removeAttribute(String name) {
            if (startsWithAny(name, REQUEST_ATTRIBUTES)) {
                weldAttributes.remove(name);
            } else {
                super.removeAttribute(name);
            }
        }
    }
}

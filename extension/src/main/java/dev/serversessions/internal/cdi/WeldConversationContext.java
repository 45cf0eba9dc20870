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
 * {@code ContextualInstance} as {@code WELD_C.<cid>#<index of the bean>} (Weld's index of the
 * deployment's beans; Payara's Weld has none and names the bean itself). All of them are Weld's
 * own classes, so the codec seals them ({@code RuntimeStateSeal}). The server session names a
 * bean's attribute after the bean's identifier instead of its index, and every attribute under
 * a hash of the identifiers of the deployment's {@code @ConversationScoped} beans
 * ({@code weld-conversation:<hash>:}): the same WAR on the same runtime finds them after a
 * restart or on another server, while another runtime, whose identifiers name the deployment
 * otherwise, finds no conversation (Weld answers as for an ended one) instead of Weld objects it
 * may not read. Weld's own hash of its index cannot serve: GlassFish names a bean of Mojarra's
 * after whichever extension registered it, which differs between starts (measured). Weld's
 * request attributes of the pass stay on its request, never the container's, whose session
 * Weld's own end of the request would copy them into.
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
    /** Weld's index number of a bean in an attribute's name (compiled once: asked at each attribute access). */
    private static final java.util.regex.Pattern INDEX_NUMBER = java.util.regex.Pattern.compile("\\d{1,9}");

    private final BeanManager beans;
    private final Object context;
    private final Method associate;
    private final Method dissociate;
    private final Method activateLazily;
    private final Method deactivate;
    private final Method invalidate;
    private final Method currentConversation;
    private final Method isInitialized;
    /** The server session's name of Weld's attributes: {@code weld-conversation:<hash of the beans' identifiers>:}. */
    private final String keyPrefix;
    /** Weld's index of the deployment's beans ({@code BeanIdentifierIndex}), or null where it has none. */
    private final Object index;
    private final Method identifierOf;
    /** The index number of each identifier, once Weld built its index (after the deployment was validated). */
    private volatile Map<String, Integer> numbers;
    private volatile boolean broken;
    private volatile boolean refusalLogged;

    private WeldConversationContext(BeanManager beans, Object context, Class<?> api, Object index, String beanIds)
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
        this.keyPrefix = "weld-conversation:" + Integer.toHexString(beanIds.hashCode()) + ":";
        this.index = index;
        this.identifierOf = index == null ? null : index.getClass().getMethod("getIdentifier", int.class);
    }

    /**
     * Weld's conversation context of this deployment, through Weld's own loader, or empty (with
     * the reason): where it is not Weld's lazy one, it reads the container's session before any
     * filter runs, and there is nothing to move.
     */
    static Optional<WeldConversationContext> find(BeanManager beans, ClassLoader weld, java.util.Collection<String> beanIds,
            Consumer<String> notMoved) {
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
            return Optional.of(new WeldConversationContext(beans, context, api, index(context),
                    String.join("\n", new java.util.TreeSet<>(beanIds))));
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

    /** Weld's bean index the context names beans by ({@code AbstractConversationContext.beanIdentifierIndex}), or null. */
    private static Object index(Object context) throws ReflectiveOperationException {
        for (Class<?> type = context.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("beanIdentifierIndex");
                field.setAccessible(true);
                return field.get(context);
            } catch (NoSuchFieldException e) {
                // the superclass's
            }
        }
        throw new NoSuchFieldException("beanIdentifierIndex of " + context.getClass().getName());
    }

    /** The server session's name of one of Weld's attributes: a bean's index number replaced by its identifier. */
    private String stored(String weldName) {
        int hash = weldName.indexOf('#');
        if (index == null || !weldName.startsWith("WELD_C") || hash < 0 || !INDEX_NUMBER.matcher(weldName).region(hash + 1, weldName.length()).matches()) {
            return keyPrefix + weldName;
        }
        int number = Integer.parseInt(weldName.substring(hash + 1));
        return keyPrefix + weldName.substring(0, hash + 1) + identifier(number);
    }

    /** Weld's name of an attribute the server session holds: the reverse of {@link #stored}. */
    private String weldName(String storedName) {
        String name = storedName.substring(keyPrefix.length());
        int hash = name.indexOf('#');
        if (index == null || !name.startsWith("WELD_C") || hash < 0) {
            return name;
        }
        Integer number = numbers().get(name.substring(hash + 1));
        return number == null ? name : name.substring(0, hash + 1) + number;
    }

    private String identifier(int number) {
        try {
            Object identifier = identifierOf.invoke(index, number);
            return (String) identifier.getClass().getMethod("asString").invoke(identifier);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Weld's bean index has no bean " + number, e);
        }
    }

    private Map<String, Integer> numbers() {
        Map<String, Integer> known = numbers;
        if (known == null) {
            known = new HashMap<>();
            for (int number = 0; ; number++) {
                try {
                    known.put(identifier(number), number);
                } catch (IllegalStateException | IndexOutOfBoundsException e) {
                    break; // past the last bean
                }
            }
            if (!known.isEmpty()) {
                numbers = known; // empty: not built yet
            }
        }
        return known;
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
        Object stored = session.beans().get(stored(name));
        if (stored != null) {
            return stored;
        }
        HttpSession container = containerRequest.getSession(false);
        return container == null ? null : container.getAttribute(name); // one the codec refused
    }

    void write(RequestSession session, HttpServletRequest containerRequest, String name, Object value) {
        if (value instanceof Map<?, ?> map && map.isEmpty() && name.equals(CONVERSATIONS)
                && session.beans().get(stored(name)) == null) {
            // Weld's end of a transient conversation makes a map of none: nothing to keep, no session to start.
            // Weld keeps it on its request, and stores it once a conversation is in it (dissociate).
            return;
        }
        try {
            session.beans().put(stored(name), value);
        } catch (IllegalArgumentException e) {
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.warning("Weld's conversation state '" + name + "' stays in the container's session: " + e.getMessage());
            }
            containerRequest.getSession(true).setAttribute(name, value);
        }
    }

    void remove(RequestSession session, HttpServletRequest containerRequest, String name) {
        session.beans().remove(stored(name));
        HttpSession container = containerRequest.getSession(false);
        if (container != null) {
            container.removeAttribute(name);
        }
    }

    /** Weld's names of the conversation attributes the server session holds: Weld lists them to destroy an ended conversation. */
    Set<String> names(RequestSession session) {
        return session.beans().keys(keyPrefix).stream().map(this::weldName)
                .collect(Collectors.toSet());
    }

    private Object call(Method method, Object... arguments) {
        return WeldSessionContext.invoke(method, context, arguments);
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

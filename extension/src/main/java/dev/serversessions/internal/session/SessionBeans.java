package dev.serversessions.internal.session;

import static dev.serversessions.internal.session.AttributeNames.BEAN_PREFIX;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The instances of {@code @ServerSessionScoped} and plain {@code @SessionScoped} beans a session
 * keeps, for the CDI contexts: each is one hidden attribute named after its bean
 * ({@code __ss:bean:<key>}), saved as any attribute is. An instance is read as
 * {@link RequestSession#get} reads a value, so that changes to its fields reach the store; it is
 * checked for the codec when stored, so that the context can say at once why a bean cannot be
 * kept; the application's listeners never hear of it, and {@code clear} and {@code invalidate}
 * remove it with the rest. Weld's state of {@code @ConversationScoped} beans is kept the same way,
 * under keys of its own ({@code WeldConversationContext}).
 *
 * <p>Each method takes the monitor of its {@link RequestSession}, as the session's own do.
 */
public final class SessionBeans {
    private final RequestSession session;
    private final SessionAttributes attributes;

    SessionBeans(RequestSession session, SessionAttributes attributes) {
        this.session = session;
        this.attributes = attributes;
    }

    /** The stored instance of the bean {@code key} names, or null. */
    public Object get(String key) {
        return session.get(BEAN_PREFIX + key);
    }

    /**
     * Stores a new instance of the bean {@code key} names; the session is then one worth keeping.
     *
     * @throws IllegalArgumentException if the codec cannot encode it (the session is left untouched)
     */
    public void put(String key, Object instance) {
        String name = BEAN_PREFIX + key;
        synchronized (session) {
            attributes.checkEncodable(name, instance);
            session.changing();
            session.announceCreation();
            attributes.set(name, instance);
        }
    }

    /** The keys starting with {@code keyPrefix} of the instances the session holds, read or not. */
    public Set<String> keys(String keyPrefix) {
        synchronized (session) {
            session.load();
            return attributes.namesStartingWith(BEAN_PREFIX + keyPrefix).stream()
                    .map(name -> name.substring(BEAN_PREFIX.length())).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** Removes the instance of the bean {@code key} names; absent is not an error. */
    public void remove(String key) {
        synchronized (session) {
            session.changing();
            attributes.forget(BEAN_PREFIX + key);
        }
    }
}

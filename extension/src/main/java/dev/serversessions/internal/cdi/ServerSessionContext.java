package dev.serversessions.internal.cdi;

import dev.serversessions.api.ServerSessionScoped;
import dev.serversessions.internal.config.SerializationFormat;
import dev.serversessions.internal.session.CurrentSession;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import java.lang.annotation.Annotation;
import java.util.function.Function;

/**
 * The context of {@link ServerSessionScoped}: each bean's instance is an attribute of the
 * current request's server session, so the session's own rules (lazy load, save of what was
 * read and changed, one attribute per write) apply to beans unchanged.
 *
 * <p>It keeps no instance itself: between requests an instance lives only in the store, and in
 * a request only in that request's session, so nothing leaks between requests or servers.
 */
final class ServerSessionContext implements AlterableContext {
    /** Stable, runtime-independent names of the beans ({@code dev.example.Cart}), by bean. */
    private final Function<Contextual<?>, String> keys;

    ServerSessionContext(Function<Contextual<?>, String> keys) {
        this.keys = keys;
    }

    @Override
    public Class<? extends Annotation> getScope() {
        return ServerSessionScoped.class;
    }

    @Override
    public boolean isActive() {
        return CurrentSession.find() != null;
    }

    @Override
    public <T> T get(Contextual<T> bean, CreationalContext<T> creation) {
        RequestSession session = session();
        String key = key(bean);
        synchronized (session) {
            @SuppressWarnings("unchecked")
            T stored = (T) session.beans().get(key);
            if (stored != null || creation == null) {
                return stored;
            }
            checkFormat(bean);
            T created = bean.create(creation);
            try {
                session.beans().put(key, created);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@ServerSessionScoped bean " + key + " cannot be stored in the session: "
                        + e.getMessage(), e);
            }
            return created;
        }
    }

    @Override
    public <T> T get(Contextual<T> bean) {
        return get(bean, null);
    }

    /** Removes the bean from the session ({@code Instance.destroy}); the next use creates it anew. */
    @Override
    public void destroy(Contextual<?> bean) {
        session().beans().remove(key(bean));
    }

    private static RequestSession session() {
        RequestSession session = CurrentSession.find();
        if (session == null) {
            throw new ContextNotActiveException("@ServerSessionScoped beans live in the server session, which exists only "
                    + "while an HTTP request passes through the server-sessions filter (is this code running outside a "
                    + "request, or in a thread of its own?)");
        }
        return session;
    }

    private String key(Contextual<?> bean) {
        return keys.apply(bean); // the extension's map of the names it worked out at deployment
    }

    private static void checkFormat(Contextual<?> bean) {
        if (SessionRuntime.forApplication().settings().serializationFormat() == SerializationFormat.JSON) {
            throw new IllegalStateException("@ServerSessionScoped bean " + bean + " cannot be stored with "
                    + "SESSION_SERIALIZATION_FORMAT=json: a bean is an instance the container makes and injects, not "
                    + "a JSON document. Use SESSION_SERIALIZATION_FORMAT=java (the default), or keep such "
                    + "data in plain session attributes (records and classes JSON-B can bind).");
        }
    }
}

package dev.serversessions.api;

import jakarta.enterprise.context.NormalScope;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A bean whose instance lives in the server session, like a session attribute: every server
 * sharing the store sees it, and it outlives a restart of the server.
 *
 * <pre>{@code
 * @ServerSessionScoped
 * public class Cart implements Serializable {
 *     private final List<String> items = new ArrayList<>();
 *     public void add(String item) { items.add(item); }
 *     public List<String> items() { return List.copyOf(items); }
 * }
 * }</pre>
 *
 * <p>Each bean is one attribute of the session (hidden from {@link ServerSession#names()} and
 * the {@code HttpSession} view), read from the store on its first use in a request and, like
 * any attribute read in place, encoded again when the request ends and written only if its
 * bytes changed. Two requests changing two different beans at once therefore keep both
 * changes; two requests changing the same bean at once end as the later of the two.
 *
 * <p>Rules that follow from living in a store: the bean must be {@code Serializable} (checked
 * at deployment, as for any passivating scope) and needs {@code SESSION_SERIALIZATION_FORMAT=java}
 * (the default; with {@code json} its first use fails, naming the bean); it must not have
 * injection points (a reference to another bean cannot be stored: inject this bean where it is
 * used instead); and {@code @PreDestroy} is not called when the session ends, because a
 * session ends by expiring in the store, which no server observes. The scope is active
 * during every request that passes the library's filter, and nowhere else.
 */
@NormalScope(passivating = true)
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
public @interface ServerSessionScoped {
}

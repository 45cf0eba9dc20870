package dev.serversessions.api;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Qualifies a bean as belonging to one session store.
 *
 * <p>{@code @Inject @Backend(SessionType.REDIS) SessionBackend} is the Redis backend whatever
 * {@code SESSION_TYPE} says; an application that produces {@code @Backend(SessionType.REDIS)
 * UnifiedJedis} (or {@code MongoClient}, {@code MemcachedClient}, {@code EntityManagerFactory})
 * hands the extension its own client, which the extension then never closes.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface Backend {
    /** The store this bean belongs to. */
    SessionType value();

    /** An instance of the qualifier, for programmatic lookup. */
    final class Literal extends AnnotationLiteral<Backend> implements Backend {
        private static final long serialVersionUID = 1L;
        private final SessionType value;

        private Literal(SessionType value) {
            this.value = value;
        }

        /** The qualifier {@code @Backend(type)}. */
        public static Literal of(SessionType type) {
            return new Literal(type);
        }

        @Override
        public SessionType value() {
            return value;
        }
    }
}

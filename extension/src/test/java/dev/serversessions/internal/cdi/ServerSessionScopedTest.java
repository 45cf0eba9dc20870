package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ServerSessionScoped;
import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.CurrentSession;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;
import java.io.Serializable;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @ServerSessionScoped} in a real CDI container (Weld SE) on the filesystem store: each
 * "request" is a {@link RequestSession} opened from the cookie id, made current, and saved, as
 * the servlet filter does.
 */
@EnableWeld
class ServerSessionScopedTest {
    @TempDir
    static Path dir;

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new ServerSessionExtension())
                    .addBeanClasses(ServerSessionScopedTest.class, Cart.class, Wishlist.class, CartUser.class)
                    .disableDiscovery())
            .activate(RequestScoped.class)
            .build();

    @Inject
    Cart cart;

    @Inject
    Wishlist wishlist;

    @Inject
    CartUser user;

    @Inject
    Instance<Cart> carts;

    @ServerSessionScoped
    public static class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        private final List<String> items = new ArrayList<>();

        public void add(String item) {
            items.add(item);
        }

        public List<String> items() {
            return List.copyOf(items);
        }
    }

    /** Named, as a Faces backing bean would be for EL: the name is no part of the attribute's. */
    @ServerSessionScoped
    @jakarta.inject.Named("wishlist")
    public static class Wishlist implements Serializable {
        private static final long serialVersionUID = 1L;
        private final List<String> items = new ArrayList<>();

        public void add(String item) {
            items.add(item);
        }

        public List<String> items() {
            return List.copyOf(items);
        }
    }

    /** An ordinary bean using the scoped one, as a servlet, resource or backing bean would. */
    @RequestScoped
    public static class CartUser {
        @Inject
        Cart cart;

        int size() {
            return cart.items().size();
        }
    }

    @BeforeAll
    static void configure() {
        System.setProperty("SESSION_FILE_DIR", dir.resolve("store").toString());
        // the test's bean classes are not in WEB-INF/classes, where the codec trusts classes by default
        System.setProperty("SESSION_SERIALIZATION_ALLOWLIST", "dev.serversessions.internal.cdi.*");
        SessionRuntime.shutdown();
    }

    @AfterAll
    static void reset() {
        System.clearProperty("SESSION_FILE_DIR");
        System.clearProperty("SESSION_SERIALIZATION_ALLOWLIST");
        SessionRuntime.shutdown();
    }

    @BeforeEach
    @AfterEach
    void noCurrentRequest() {
        CurrentSession.clear();
    }

    /**
     * Runs one request on the session with this id (null: a new one) and answers the id the
     * cookie carries afterwards, as a browser would keep it.
     */
    private static String request(String id, Runnable work) {
        RequestSession session = SessionRuntime.forApplication().open(id);
        CurrentSession.set(session);
        try {
            work.run();
            CookieAction action = session.save();
            return switch (action.kind()) {
                case SEND -> action.id();
                case EXPIRE -> null;
                case NONE -> id;
            };
        } finally {
            CurrentSession.clear();
        }
    }

    private static <T> T inRequest(String id, Supplier<T> work) {
        List<T> result = new ArrayList<>(1);
        request(id, () -> result.add(work.get()));
        return result.get(0);
    }

    @Test
    void changesToABeansFieldsReachTheStoreAndTheNextRequest() {
        String id = request(null, () -> cart.add("apple"));
        assertNotNull(id, "a session holding only a bean is stored");
        request(id, () -> cart.add("pear"));
        assertEquals(List.of("apple", "pear"), inRequest(id, () -> cart.items()));
        assertEquals(2, inRequest(id, () -> user.size()), "injected into another bean, the same instance");
    }

    @Test
    void aBeanIsOneHiddenAttributeNamedAfterItsClass() {
        String id = request(null, () -> cart.add("apple"));
        RequestSession session = SessionRuntime.forApplication().open(id);
        assertTrue(session.names().isEmpty(), "beans are not the application's attributes: " + session.names());
        Object stored = session.get(RequestSession.BEAN_PREFIX + Cart.class.getName());
        assertTrue(stored instanceof Cart, String.valueOf(stored));
        assertEquals(List.of("apple"), ((Cart) stored).items());
        assertNull(session.get(RequestSession.BEAN_PREFIX + Wishlist.class.getName()), "an unused bean is not stored");
    }

    @Test
    void aNamedBeanIsStoredUnderItsClassAlone() {
        String id = request(null, () -> wishlist.add("bicycle"));
        Object stored = SessionRuntime.forApplication().open(id).get(RequestSession.BEAN_PREFIX + Wishlist.class.getName());
        assertTrue(stored instanceof Wishlist, String.valueOf(stored));
    }

    @Test
    void twoRequestsChangingTwoBeansAtOnceKeepBothChanges() {
        String id = request(null, () -> cart.add("apple"));
        // both requests load the session before either saves
        RequestSession first = SessionRuntime.forApplication().open(id);
        RequestSession second = SessionRuntime.forApplication().open(id);
        CurrentSession.set(first);
        cart.add("pear");
        CurrentSession.set(second);
        wishlist.add("bicycle");
        second.save();
        first.save();
        CurrentSession.clear();

        assertEquals(List.of("apple", "pear"), inRequest(id, () -> cart.items()));
        assertEquals(List.of("bicycle"), inRequest(id, () -> wishlist.items()));
    }

    @Test
    void invalidateEndsTheBeans() {
        String id = request(null, () -> cart.add("apple"));
        request(id, () -> CurrentSession.get().invalidate());
        assertEquals(List.of(), inRequest(id, () -> cart.items()));
    }

    @Test
    void clearEndsTheBeansTooAndAnEmptySessionIsDeleted() {
        String id = request(null, () -> {
            cart.add("apple");
            CurrentSession.get().put("user", "alice");
        });
        request(id, () -> CurrentSession.get().clear());
        RequestSession after = SessionRuntime.forApplication().open(id);
        assertTrue(after.isNew(), "nothing left to store");
    }

    @Test
    void destroyingTheInstanceStartsTheBeanAfresh() {
        String id = request(null, () -> cart.add("apple"));
        request(id, () -> carts.destroy(carts.get()));
        assertEquals(List.of(), inRequest(id, () -> cart.items()));
    }

    @Test
    void outsideARequestTheScopeIsNotActive() {
        ContextNotActiveException e = assertThrows(ContextNotActiveException.class, () -> cart.items());
        assertTrue(e.getMessage().contains(ServerSessionScoped.class.getName()), e.getMessage());
    }

    @Test
    void withTheJsonFormatTheFirstUseSaysWhy() {
        System.setProperty("SESSION_SERIALIZATION_FORMAT", "json");
        SessionRuntime.shutdown();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> request(null, () -> cart.add("x")));
            assertTrue(e.getMessage().contains("SESSION_SERIALIZATION_FORMAT=json"), e.getMessage());
            assertTrue(e.getMessage().contains(Cart.class.getSimpleName()), e.getMessage());
        } finally {
            System.clearProperty("SESSION_SERIALIZATION_FORMAT");
            SessionRuntime.shutdown();
        }
    }

    // Beans the deployment must refuse, each in a container of its own.

    @ServerSessionScoped
    public static class NotSerializable {
    }

    @ServerSessionScoped
    public static class WithInjection implements Serializable {
        private static final long serialVersionUID = 1L;
        @Inject
        Cart cart;
    }

    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Logged {
    }

    @Logged
    @Interceptor
    @jakarta.annotation.Priority(1)
    public static class LoggedInterceptor {
        @AroundInvoke
        Object around(InvocationContext context) throws Exception {
            return context.proceed();
        }
    }

    @ServerSessionScoped
    public static class Intercepted implements Serializable {
        private static final long serialVersionUID = 1L;

        @Logged
        public void work() {
        }
    }

    private static String deploymentFailure(Class<?>... classes) {
        Weld weld = new Weld("refused-" + System.nanoTime()).disableDiscovery()
                .addExtension(new ServerSessionExtension()).addBeanClasses(classes);
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (WeldContainer container = weld.initialize()) {
                assertFalse(container.isRunning(), "deployed");
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void aBeanThatIsNotSerializableFailsTheDeployment() {
        String message = deploymentFailure(NotSerializable.class);
        assertTrue(message.contains(NotSerializable.class.getSimpleName()) && message.contains("passivat"), message);
    }

    @Test
    void aBeanWithInjectionPointsFailsTheDeploymentSayingWhy() {
        String message = deploymentFailure(WithInjection.class, Cart.class);
        assertTrue(message.contains("has injection points") && message.contains(WithInjection.class.getName()), message);
    }

    @Test
    void anInterceptedBeanFailsTheDeploymentSayingWhy() {
        String message = deploymentFailure(Intercepted.class, LoggedInterceptor.class);
        assertTrue(message.contains("is intercepted") && message.contains(Intercepted.class.getName()), message);
    }
}

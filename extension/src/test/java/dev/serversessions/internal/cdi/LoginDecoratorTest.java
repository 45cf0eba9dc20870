package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.security.LoginExtension;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Decorator;
import jakarta.enterprise.inject.spi.InterceptionType;
import jakarta.enterprise.inject.spi.Interceptor;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.List;
import java.util.Set;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension adds its login decorator to an application with an authentication mechanism,
 * and only to such an application (Soteria takes any bean of the mechanism's type for one), in a
 * real CDI container (Weld SE).
 */
class LoginDecoratorTest {
    @TempDir
    static Path dir;

    @ApplicationScoped
    public static class OwnMechanism implements HttpAuthenticationMechanism {
        @Override
        public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                    HttpMessageContext context) {
            return AuthenticationStatus.NOT_DONE;
        }
    }

    @ApplicationScoped
    public static class NoMechanism {
    }

    /** A mechanism with no annotation at all, as a bean archive of mode {@code all} makes a bean. */
    public static class UnannotatedMechanism implements HttpAuthenticationMechanism {
        @Override
        public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                    HttpMessageContext context) {
            return AuthenticationStatus.NOT_DONE;
        }
    }

    /** A built-in mechanism's definition on a class that is no mechanism itself. */
    @ApplicationScoped
    @BasicAuthenticationMechanismDefinition(realmName = "test")
    public static class BuiltInBasic {
    }

    /** What Soteria adds to every application: a mechanism class that is no bean of the mechanism type. */
    @ApplicationScoped
    @jakarta.enterprise.inject.Typed(TypedToItself.class)
    public static class TypedToItself implements HttpAuthenticationMechanism {
        @Override
        public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                    HttpMessageContext context) {
            return AuthenticationStatus.NOT_DONE;
        }
    }

    @BeforeAll
    static void configure() {
        System.setProperty("SESSION_FILE_DIR", dir.resolve("store").toString());
        SessionRuntime.shutdown();
    }

    @AfterAll
    static void reset() {
        System.clearProperty("SESSION_FILE_DIR");
        SessionRuntime.shutdown();
    }

    private static List<String> decoratorsOfMechanisms(Class<?> beanClass) {
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension()).addExtension(new LoginExtension())
                .addBeanClass(beanClass).initialize()) {
            BeanManager beans = container.getBeanManager();
            return beans.resolveDecorators(Set.of(HttpAuthenticationMechanism.class, Object.class), Default.Literal.INSTANCE, Any.Literal.INSTANCE).stream()
                    .map(Decorator::getBeanClass).map(Class::getName).toList();
        }
    }

    @Test
    void anApplicationsOwnMechanismIsDecorated() {
        assertEquals(List.of("dev.serversessions.internal.security.SessionLoginDecorator"), decoratorsOfMechanisms(OwnMechanism.class));
    }

    @Test
    void aMechanismWithoutAnyAnnotationIsDecorated() {
        assertEquals(List.of("dev.serversessions.internal.security.SessionLoginDecorator"),
                decoratorsOfMechanisms(UnannotatedMechanism.class));
    }

    @Test
    void aBuiltInMechanismsDefinitionKeepsTheDecorator() {
        assertEquals(List.of("dev.serversessions.internal.security.SessionLoginDecorator"), decoratorsOfMechanisms(BuiltInBasic.class));
    }

    /**
     * Weld's WELD-000411 ("receives events for all annotated types") said that an observer of the
     * library's saw every type of every deployment; none of them may.
     */
    @Test
    void noObserverOfTheLibraryReceivesEveryAnnotatedType() {
        List<String> said = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                said.add(String.valueOf(record.getMessage()) + " " + Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger weld = Logger.getLogger("org.jboss.weld");
        Level level = weld.getLevel();
        weld.setLevel(Level.ALL);
        weld.addHandler(capture);
        try {
            decoratorsOfMechanisms(OwnMechanism.class);
            decoratorsOfMechanisms(NoMechanism.class);
        } finally {
            weld.removeHandler(capture);
            weld.setLevel(level);
        }
        assertTrue(said.stream().anyMatch(m -> m.contains("WELD-")), "Weld's log was not captured: " + said);
        assertEquals(List.of(), said.stream().filter(m -> m.contains("WELD-000411") || m.contains("dev.serversessions")
                && (m.contains("WARN") || m.contains("all annotated types"))).toList());
    }

    @Test
    void anApplicationWithoutMechanismGetsNoDecorator() {
        assertEquals(List.of(), decoratorsOfMechanisms(NoMechanism.class));
        assertEquals(List.of(), decoratorsOfMechanisms(TypedToItself.class), "Soteria's own classes are no mechanism beans");
    }

    /** A mechanism with Jakarta Security's login-to-continue. */
    @ApplicationScoped
    @LoginToContinue(loginPage = "/login")
    public static class FormMechanism implements HttpAuthenticationMechanism {
        @Override
        public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                    HttpMessageContext context) {
            return AuthenticationStatus.NOT_DONE;
        }
    }

    /** The interceptors Weld binds to {@code mechanism}'s annotation {@code binding}, with the library's extensions. */
    private static List<String> interceptorsOf(Class<?> mechanism, Class<? extends java.lang.annotation.Annotation> binding) {
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension()).addExtension(new LoginExtension())
                .addBeanClass(mechanism).initialize()) {
            return container.getBeanManager().resolveInterceptors(InterceptionType.AROUND_INVOKE, mechanism.getAnnotation(binding))
                    .stream().map(Interceptor::getBeanClass).map(Class::getName).toList();
        }
    }

    @Test
    void aLoginToContinueMechanismGetsTheInterceptorThatKeepsItsSavedRequestInTheServerSession() {
        assertEquals(List.of("dev.serversessions.internal.security.LoginToContinueSessions"),
                interceptorsOf(FormMechanism.class, LoginToContinue.class));
    }

    /** A mechanism whose caller Jakarta Security keeps between requests. */
    @ApplicationScoped
    @jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession
    public static class AutoApplyingMechanism implements HttpAuthenticationMechanism {
        @Override
        public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                    HttpMessageContext context) {
            return AuthenticationStatus.NOT_DONE;
        }
    }

    @Test
    void anAutoApplySessionMechanismGetsTheInterceptorThatKeepsItsCallerOutOfTheContainersSession() {
        assertEquals(List.of("dev.serversessions.internal.security.AutoApplySessionInServerSession"),
                interceptorsOf(AutoApplyingMechanism.class, jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession.class));
    }
}

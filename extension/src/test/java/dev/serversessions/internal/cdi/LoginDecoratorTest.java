package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.nio.file.Path;
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
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension())
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

    @Test
    void aLoginToContinueMechanismGetsTheInterceptorThatKeepsItsSavedRequestInTheServerSession() {
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension())
                .addBeanClass(FormMechanism.class).initialize()) {
            LoginToContinue binding = FormMechanism.class.getAnnotation(LoginToContinue.class);
            List<String> interceptors = container.getBeanManager().resolveInterceptors(InterceptionType.AROUND_INVOKE, binding)
                    .stream().map(Interceptor::getBeanClass).map(Class::getName).toList();
            assertEquals(List.of("dev.serversessions.internal.security.LoginToContinueSessions"), interceptors);
        }
    }
}

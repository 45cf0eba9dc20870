package dev.serversessions.internal.security;

import dev.serversessions.internal.cdi.MechanismPresence;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Typed;
import jakarta.enterprise.inject.spi.AfterTypeDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.CustomFormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;
import java.util.Arrays;

/**
 * The library's part for Jakarta Security, a CDI extension of its own: it adds the login
 * decorator ({@link SessionLoginDecorator}) and the {@code @LoginToContinue} interceptor
 * ({@link LoginToContinueSessions}) to an application that has an authentication mechanism, and
 * observes only the types that can tell: those of type {@link HttpAuthenticationMechanism}
 * (whatever their annotations, as a bean archive of mode {@code all} makes any class a bean) and
 * those carrying a built-in mechanism's definition annotation.
 *
 * <p>Its signatures name Jakarta Security's classes, so it is a class apart from
 * {@code ServerSessionExtension}: where the runtime gives the application no Jakarta Security
 * (Open Liberty without {@code appSecurity}), Weld ignores this extension alone (saying so once,
 * {@code WELD-000139}), and the rest of the library works.
 */
public class LoginExtension implements Extension, MechanismPresence {
    private static final String MECHANISM_PACKAGE = "jakarta.security.enterprise.authentication.mechanism.http.";
    /**
     * The packages of Open Liberty's own mechanism classes ({@code CustomFormAuthenticationMechanism},
     * {@code OidcHttpAuthenticationMechanism}, ...), which it adds to every application, not
     * {@code @Typed}: no sign that the application has one (seen on 26.0.0.3).
     */
    private static final java.util.List<String> LIBERTY_BUILT_INS = java.util.List.of("com.ibm.ws.security.", "io.openliberty.security.");
    private boolean mechanismFound;

    void addInterceptors(@Observes BeforeBeanDiscovery event) {
        // bound to @LoginToContinue: applies only to mechanisms that use it
        event.addAnnotatedType(LoginToContinueSessions.class, LoginToContinueSessions.class.getName());
        // bound to @AutoApplySession: keeps such mechanisms' callers out of the container's session
        event.addAnnotatedType(AutoApplySessionInServerSession.class, AutoApplySessionInServerSession.class.getName());
    }

    /** Every type of the mechanism's type, and only those: the bound restricts the event. */
    void findMechanismClass(@Observes ProcessAnnotatedType<? extends HttpAuthenticationMechanism> event) {
        if (!mechanismFound && isMechanismBean(event.getAnnotatedType())) {
            mechanismFound = true;
        }
    }

    /** A built-in mechanism's definition, on a class of the application. */
    void findMechanismDefinition(@Observes @WithAnnotations({BasicAuthenticationMechanismDefinition.class,
            FormAuthenticationMechanismDefinition.class, CustomFormAuthenticationMechanismDefinition.class,
            OpenIdAuthenticationMechanismDefinition.class}) ProcessAnnotatedType<?> event) {
        // @WithAnnotations also matches members and meta-annotations: only the class's own counts
        if (!mechanismFound && event.getAnnotatedType().getAnnotations().stream()
                .map(a -> a.annotationType().getName())
                .anyMatch(n -> n.startsWith(MECHANISM_PACKAGE) && n.endsWith("MechanismDefinition"))) {
            mechanismFound = true;
        }
    }

    /**
     * Whether a class would be a bean of type {@code HttpAuthenticationMechanism}. Soteria adds
     * its built-in mechanisms' classes to every application, restricted with {@code @Typed} to
     * their own class: those are no sign that the application uses Jakarta Security.
     */
    private static boolean isMechanismBean(AnnotatedType<?> type) {
        Class<?> javaClass = type.getJavaClass();
        if (javaClass.isInterface() || javaClass == SessionLoginDecorator.class
                || LIBERTY_BUILT_INS.stream().anyMatch(javaClass.getName()::startsWith)) {
            return false;
        }
        Typed typed = type.getAnnotation(Typed.class);
        return typed == null || Arrays.asList(typed.value()).contains(HttpAuthenticationMechanism.class);
    }

    /**
     * Adds the login decorator only to an application that has an authentication mechanism (its
     * own class, or a built-in one's definition annotation), once every type has been seen, and
     * enables it there: Soteria takes any bean of type {@code HttpAuthenticationMechanism}, a
     * decorator included, as a sign that the application uses Jakarta Security, and would then
     * fail every request of an application without one; Open Liberty takes any such type, as
     * soon as it is added, for a mechanism of the application's, and refuses to deploy a WAR that
     * also declares a {@code <login-config>} in its web.xml (CWWKS1931E, measured on 26.0.0.3
     * with the decorator added before discovery).
     */
    void addLoginDecoratorWhereNeeded(@Observes AfterTypeDiscovery event) {
        if (!mechanismFound) {
            return;
        }
        event.addAnnotatedType(SessionLoginDecorator.class, SessionLoginDecorator.class.getName());
        // the decorators enabled by their priority were listed before this type was added
        java.util.List<Class<?>> enabled = event.getDecorators();
        if (!enabled.contains(SessionLoginDecorator.class)) {
            enabled.add(SessionLoginDecorator.class);
        }
    }

    @Override
    public boolean mechanismFound() {
        return mechanismFound;
    }
}

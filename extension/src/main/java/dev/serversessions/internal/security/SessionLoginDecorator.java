package dev.serversessions.internal.security;

import dev.serversessions.api.SessionLimitException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.session.Caller;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionLockTimeoutException;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.internal.web.AuthenticationSessions;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Decorated;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps the authenticated caller in the server session, around every
 * {@link HttpAuthenticationMechanism} bean: the application's own, and the built-in ones of
 * Jakarta Security's implementation where it lets decorators apply to them (Soteria, in Payara
 * and WildFly, does).
 *
 * <p>The container calls {@code validateRequest} on every request. If the session holds a
 * caller, it is handed to the container ({@code notifyContainerAboutLogin(name, groups)}) and the
 * mechanism is not asked: the caller comes from the store alone, on whichever server. Otherwise
 * the mechanism runs, and a successful authentication with a caller is stored in the session,
 * which gets a new id. An explicit authentication ({@code SecurityContext.authenticate}) always
 * goes to the mechanism, so a user can log in as someone else. {@code cleanSubject} (the
 * container's logout) ends the session ({@link RequestSession#logOut}).
 *
 * <p>Added to the application by the library's CDI extension (the jar is no bean archive) and
 * enabled for the whole application by its priority. {@code SESSION_LOGIN=false} makes it pass
 * every call straight through.
 */
@Decorator
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public abstract class SessionLoginDecorator implements HttpAuthenticationMechanism {
    private static final Logger LOG = Logger.getLogger(SessionLoginDecorator.class.getName());
    @Inject
    @Delegate
    @Any
    HttpAuthenticationMechanism delegate;
    @Inject
    @Decorated
    Bean<HttpAuthenticationMechanism> decorated;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) throws AuthenticationException {
        if (!SessionRuntime.forApplication().settings().login()) {
            return delegate.validateRequest(request, response, context);
        }
        RequestSession session = AuthenticationSessions.of(request, response);
        Optional<Caller> stored = Optional.empty();
        // Loaded only when it may matter: the login hint cookie says this session holds a caller,
        // or the resource is protected. Requests of anonymous sessions that touch nothing still
        // cost no store call.
        if (session.requestedId() != null && (context.isProtected() || AuthenticationSessions.mayHoldCaller(request, response))) {
            try {
                stored = session.caller();
            } catch (SessionStoreUnavailableException | SessionLockTimeoutException e) {
                if (context.isProtected()) {
                    // asked as anonymous, a mechanism answers a protected resource 401 before
                    // any filter runs: the caller is unknown here, not absent, so answer 503 as
                    // the filter would (SESSION_LOCKING, store outages)
                    try {
                        AuthenticationSessions.answerUnavailable(e, request, response);
                    } catch (java.io.IOException answerFailed) {
                        throw new AuthenticationException(answerFailed);
                    }
                    return AuthenticationStatus.SEND_FAILURE;
                }
                // anonymous here; the session filter answers 503 for this request, as for any
                // other request whose session could not be loaded (or locked: SESSION_LOCKING)
                return delegate.validateRequest(request, response, context);
            }
        }
        if (stored.isPresent() && !context.isAuthenticationRequest()) {
            return context.notifyContainerAboutLogin(stored.get().name(), stored.get().groups());
        }
        AuthenticationStatus status = delegate.validateRequest(request, response, context);
        Principal principal = context.getCallerPrincipal();
        if (status == AuthenticationStatus.SUCCESS && principal != null && principal.getName() != null
                && !principal.getName().isEmpty()) {
            Set<String> groups = context.getGroups();
            Caller caller = new Caller(principal.getName(), groups == null ? Set.of() : groups);
            if (!context.isAuthenticationRequest() && !context.isRegisterSession() && !autoAppliesSession()) {
                // A mechanism that authenticates every request on its own (BASIC, a bearer
                // token): the caller goes into a session the client already has, never into a
                // new one, so a client without cookies (a script, a monitor) stores nothing
                if (session.requestedId() == null || session.isNew()) {
                    return status;
                }
                if (stored.isEmpty()) {
                    stored = session.caller(); // loaded now: costs no second store call
                }
            }
            // an explicit login always gets a new id; a mechanism that authenticates every request
            // (BASIC) stores its caller once
            if (context.isAuthenticationRequest() || !stored.equals(Optional.of(caller))) {
                try {
                    session.logIn(caller);
                } catch (SessionLimitException e) {
                    // SESSION_MAX_PER_USER with action refuse: the session stays as it was, anonymous
                    LOG.info(() -> "Login refused: " + e.getMessage());
                    return context.responseUnauthorized();
                }
                AuthenticationSessions.saveIfBeforeFilter(request);
            }
            // the caller is in the server session now: a mechanism that asked the container to
            // keep it too (Soteria's FORM mechanisms, whose @AutoApplySession runs inside the
            // delegate) would otherwise get a container session and a JSESSIONID
            leaveContainerSessionAlone(context);
        }
        return status;
    }

    /** The JASPIC key by which a mechanism asks the container to keep its caller in the container's session. */
    static final String REGISTER_SESSION = "jakarta.servlet.http.registerSession";

    /**
     * Takes back a mechanism's request that the container keep the caller in its own session
     * ({@code HttpMessageContext.setRegisterSession}, {@code @AutoApplySession}): the server
     * session holds the caller, and the library restores it on later requests itself.
     */
    static void leaveContainerSessionAlone(HttpMessageContext context) {
        if (context.isRegisterSession() && context.getMessageInfo() != null) {
            context.getMessageInfo().getMap().remove(REGISTER_SESSION);
        }
    }

    /**
     * Whether the application's mechanism class asks for its caller to be kept
     * ({@code @AutoApplySession}): its interceptor runs around this decorator and says so only
     * after it has returned, so the annotation is read from the bean's class. Soteria's own FORM
     * mechanisms are beans behind a producer, whose interceptors run inside the delegate: they
     * say it through {@link HttpMessageContext#isRegisterSession()} before the delegate returns.
     */
    private boolean autoAppliesSession() {
        Class<?> beanClass = decorated == null ? null : decorated.getBeanClass();
        return beanClass != null && beanClass.isAnnotationPresent(AutoApplySession.class);
    }

    @Override
    public AuthenticationStatus secureResponse(HttpServletRequest request, HttpServletResponse response,
                                               HttpMessageContext context) throws AuthenticationException {
        return delegate.secureResponse(request, response, context);
    }

    @Override
    public void cleanSubject(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        if (SessionRuntime.forApplication().settings().login()) {
            AuthenticationSessions.of(request, response).logOut();
            AuthenticationSessions.saveIfBeforeFilter(request);
        }
        delegate.cleanSubject(request, response, context);
    }
}

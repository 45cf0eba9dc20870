package dev.serversessions.internal.security;

import dev.serversessions.api.SessionLimitException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.session.Caller;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionLockTimeoutException;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.internal.web.AuthenticationSessions;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serializable;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Jakarta Security's login-to-continue ({@code @LoginToContinue}: the request saved before
 * the redirect to the login page, the caller between the login and the return to that request)
 * in the server session instead of the container's, so that the login page, the form's post and
 * the return may each be answered by another server, or after a restart, and no
 * {@code JSESSIONID} is ever set.
 *
 * <p>The container authenticates before any filter, so the implementation's interceptor
 * (Soteria's {@code LoginToContinueInterceptor}, priority {@code PLATFORM_BEFORE + 220}) would
 * see the container's request and session. This one runs just before it and hands it the
 * request and response the filter would: {@code getSession()} is the server session (through
 * {@link SavedLoginSession}), and the redirect it sends saves the session and sets the cookie
 * first. Afterwards the context gets the container's request back, unless the implementation
 * replaced it (with the saved request it restores), whose wrapping it keeps, or the runtime
 * refuses it (WildFly: see {@link #putBack}).
 *
 * <p>A caller the session already holds is handed to the container here, as the login
 * decorator does, before the implementation's interceptor would send a logged-in caller of a
 * protected page to the login page (the decorator runs inside the interceptors of a mechanism
 * class annotated {@code @LoginToContinue}); except on the return to the saved request, which
 * the implementation restores.
 */
@Interceptor
@LoginToContinue
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 210)
public class LoginToContinueSessions implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(LoginToContinueSessions.class.getName());

    @AroundInvoke
    public Object keepInServerSession(InvocationContext invocation) throws Exception {
        Object[] parameters = invocation.getParameters();
        if (!"validateRequest".equals(invocation.getMethod().getName()) || parameters == null || parameters.length != 3
                || !(parameters[0] instanceof HttpServletRequest request)
                || !(parameters[1] instanceof HttpServletResponse response)
                || !(parameters[2] instanceof HttpMessageContext context)
                || !SessionRuntime.forApplication().settings().login()) {
            return invocation.proceed();
        }
        Optional<Caller> stored = storedCaller(request, response, context);
        if (stored.isPresent() && !context.isAuthenticationRequest()
                && !isReturnToSavedRequest(request, response)) {
            return context.notifyContainerAboutLogin(stored.get().name(), stored.get().groups());
        }
        AuthenticationSessions.Views views = AuthenticationSessions.views(request, response);
        HttpServletRequest serverSession = SavedLoginSession.request(views.request(), soteriaLoader(context));
        HttpServletRequest containerRequest = context.getRequest();
        HttpServletResponse containerResponse = context.getResponse();
        context.setRequest(serverSession);
        context.setResponse(views.response());
        invocation.setParameters(new Object[] {serverSession, views.response(), context});
        try {
            Object status = invocation.proceed();
            if (context.getRequest() != serverSession && status == AuthenticationStatus.SUCCESS) {
                // the implementation restored the saved request and took the caller of the login out
                // of the session with it, which may leave the session empty (deleted): keep the
                // caller now, as the login decorator would, before the session goes
                return keepCaller(request, response, context, status);
            }
            return status;
        } finally {
            if (context.getRequest() == serverSession) {
                putBack(() -> context.setRequest(containerRequest));
            }
            if (context.getResponse() == views.response()) {
                putBack(() -> context.setResponse(containerResponse));
            }
            // the request saved in the session: kept even when the container answers it (the
            // redirect to the login page) without running any filter
            AuthenticationSessions.saveIfBeforeFilter(request);
        }
    }

    /**
     * Gives the context the container's own request or response back. WildFly (Elytron) refuses
     * any message that does not wrap the one it holds ({@code ELY01172: Message does not wrap
     * existing message}); ours then stays, and the container carries on with it: it answers
     * {@code getSession()} from the same server session as the filter's wrapper on top of it.
     */
    private static void putBack(Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            LOG.log(Level.FINE, "The runtime keeps the server session's request and response: {0}", refused.getMessage());
        }
    }

    private static Object keepCaller(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context,
                                     Object status) {
        Principal principal = context.getCallerPrincipal();
        if (principal == null || principal.getName() == null || principal.getName().isEmpty()) {
            return status;
        }
        Set<String> groups = context.getGroups();
        Caller caller = new Caller(principal.getName(), groups == null ? Set.of() : groups);
        RequestSession session = AuthenticationSessions.of(request, response);
        try {
            if (!session.caller().equals(Optional.of(caller))) {
                session.logIn(caller);
            }
        } catch (SessionLimitException e) {
            // SESSION_MAX_PER_USER with action refuse, as in the login decorator
            LOG.info(() -> "Login refused: " + e.getMessage());
            return context.responseUnauthorized();
        }
        return status;
    }

    /** The caller kept in the session, loaded as the login decorator loads it. */
    private static Optional<Caller> storedCaller(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        RequestSession session = AuthenticationSessions.of(request, response);
        if (session.requestedId() == null
                || !(context.isProtected() || AuthenticationSessions.mayHoldCaller(request, response))) {
            return Optional.empty();
        }
        try {
            return session.caller();
        } catch (SessionStoreUnavailableException | SessionLockTimeoutException e) {
            // the login decorator answers the outage (503) for a protected resource
            return Optional.empty();
        }
    }

    /** Whether the session holds both the saved request and the caller of a login just made. */
    private static boolean isReturnToSavedRequest(HttpServletRequest request, HttpServletResponse response) {
        RequestSession session = AuthenticationSessions.of(request, response);
        // asked on every request of a logged-in caller: answered without the lock where the caller was read so (SESSION_LOCKING)
        return session.mayHold(SavedLoginSession.SAVED_REQUEST) && session.mayHold(SavedLoginSession.SAVED_CALLER)
                && session.names().contains(SavedLoginSession.SAVED_REQUEST) && session.names().contains(SavedLoginSession.SAVED_CALLER);
    }

    private static ClassLoader soteriaLoader(HttpMessageContext context) {
        ClassLoader loader = context.getClass().getClassLoader();
        return loader != null ? loader : Thread.currentThread().getContextClassLoader();
    }
}

package dev.serversessions.internal.security;

import dev.serversessions.internal.session.SessionRuntime;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import java.io.Serializable;

/**
 * Keeps an application's {@code @AutoApplySession} mechanism from making a container session.
 * Soteria's interceptor (priority {@code PLATFORM_BEFORE + 200}) asks the container, after each
 * successful {@code validateRequest}, to keep the caller in its own session
 * ({@code jakarta.servlet.http.registerSession}), which sets a {@code JSESSIONID}; the login
 * decorator, inside it, has by then put the caller into the server session, and restores it
 * from there on later requests. This one runs just outside Soteria's and takes the request back.
 * (Soteria's own FORM mechanisms run their interceptors inside the decorator, which takes it
 * back itself.)
 */
@Interceptor
@AutoApplySession
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 190)
public class AutoApplySessionInServerSession implements Serializable {
    private static final long serialVersionUID = 1L;

    @AroundInvoke
    public Object leaveContainerSessionAlone(InvocationContext invocation) throws Exception {
        Object status = invocation.proceed();
        Object[] parameters = invocation.getParameters();
        if (status == AuthenticationStatus.SUCCESS && "validateRequest".equals(invocation.getMethod().getName())
                && parameters != null && parameters.length == 3 && parameters[2] instanceof HttpMessageContext context
                && SessionRuntime.forApplication().settings().login()) {
            SessionLoginDecorator.leaveContainerSessionAlone(context);
        }
        return status;
    }
}

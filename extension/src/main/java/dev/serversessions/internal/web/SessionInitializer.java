package dev.serversessions.internal.web;

import dev.serversessions.internal.config.InvalidSettingsException;
import dev.serversessions.internal.security.FormLoginConfig;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Installs the session filter and its lifecycle listener in every WAR that carries this jar, so
 * that no web.xml edit is needed. The filter is mapped to {@code /*} ahead of the application's
 * own filters, which may already use the session, and for error and async dispatches, where
 * it carries on with the request's own session (error pages see the same session and user). Bad settings fail the deployment here, with
 * every problem listed, even in a WAR without CDI.
 */
@HandlesTypes({HttpSessionListener.class, HttpSessionAttributeListener.class, HttpSessionIdListener.class,
        HttpSessionBindingListener.class})
public final class SessionInitializer implements ServletContainerInitializer {
    static final String FILTER_NAME = "server-sessions";
    private static final Logger LOG = Logger.getLogger(SessionInitializer.class.getName());

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        SessionRuntime runtime;
        try {
            runtime = SessionRuntime.forApplication();
        } catch (InvalidSettingsException e) {
            throw new ServletException(e.getMessage());
        }
        SessionListeners listeners = runtime.settings().wrapHttpSession() ? SessionListeners.create(context, classes) : null;
        FilterRegistration.Dynamic filter = context.addFilter(FILTER_NAME, new SessionFilter(runtime, listeners));
        if (filter == null) {
            return; // registered already, e.g. by a web.xml of the application's own
        }
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR), false, "/*");
        context.addListener(new SessionLifecycle(runtime, listeners));
        if (runtime.settings().locking()) {
            context.addListener(new AuthenticationSessions.ReleaseUnadoptedLocks());
        }
        if (hasJakartaAuthentication()) {
            // a listener, not now: Jakarta Security registers an application's mechanism in an
            // initializer of its own, which may run after this one
            context.addListener(FORM_LOGIN_REGISTRATION);
        } else if (FormLoginConfig.read(context).isPresent()) {
            LOG.info(() -> "Servlet FORM login of " + context.getContextPath() + "/ stays with the container: the runtime gives"
                    + " the application no Jakarta Authentication API (Open Liberty: add the feature appAuthentication-3.0)");
        }
    }

    /** The servlet FORM login of web.xml in the server session ({@code FormLoginRegistration}, which names Jakarta Authentication's API). */
    private static final String FORM_LOGIN_REGISTRATION = "dev.serversessions.internal.security.FormLoginRegistration";

    private static boolean hasJakartaAuthentication() {
        try {
            Class.forName("jakarta.security.auth.message.config.AuthConfigFactory", false, SessionInitializer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // Open Liberty without appAuthentication: the container keeps any FORM login
        }
    }
}

package dev.serversessions.internal.security;

import dev.serversessions.internal.session.SessionRuntime;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.auth.message.config.RegistrationListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Takes the servlet FORM login of an application's {@code web.xml} from the container into the
 * server session: registers {@link FormLoginProvider} with Jakarta Authentication for the
 * application's context ({@code "HttpServlet"}, virtual host and context path), as Jakarta
 * Security's implementations register theirs, once every initializer has run. Not when the
 * application has an authentication of its own registered there (a Jakarta Security mechanism:
 * the library keeps that one's logins already), nor with {@code SESSION_LOGIN=false}. Says once
 * at start-up which it did.
 *
 * <p>Added by the library's initializer only where the runtime gives the application Jakarta
 * Authentication's API (Open Liberty only with its {@code appAuthentication} feature).
 */
public final class FormLoginRegistration implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(FormLoginRegistration.class.getName());
    static final String LAYER = "HttpServlet";
    private static final String DESCRIPTION = "server sessions: servlet FORM login of WEB-INF/web.xml";
    private final java.util.List<String> registrationIds = new java.util.ArrayList<>();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Optional<FormLoginConfig> form = FormLoginConfig.read(context);
        if (form.isEmpty()) {
            return;
        }
        String appContext = context.getVirtualServerName() + " " + context.getContextPath();
        String application = (context.getContextPath().isEmpty() ? "/" : context.getContextPath()) + " on " + context.getVirtualServerName();
        String refusal = refusal(appContext);
        if (refusal != null) {
            LOG.info(() -> "Servlet FORM login of " + application + " stays with the container: " + refusal);
            return;
        }
        FormLoginProvider provider = new FormLoginProvider(form.get());
        registrationIds.add(AuthConfigFactory.getFactory().registerConfigProvider(provider, LAYER, appContext, DESCRIPTION));
        if (context.getContextPath().isEmpty()) {
            // the root application: Open Liberty looks its provider up as "host /", the others as "host "
            registrationIds.add(AuthConfigFactory.getFactory().registerConfigProvider(provider, LAYER, appContext + "/", DESCRIPTION));
        }
        LOG.info(() -> "Servlet FORM login of " + application + " (login page " + form.get().loginPage() + ", error page "
                + form.get().errorPage() + ") keeps its saved request and caller in the server session");
    }

    /** Why the library leaves this application's FORM login alone, or null if it takes it. */
    private static String refusal(String appContext) {
        if (!SessionRuntime.forApplication().settings().login()) {
            return "SESSION_LOGIN=false";
        }
        AuthConfigFactory factory = AuthConfigFactory.getFactory();
        if (factory == null) {
            return "the runtime has no Jakarta Authentication factory";
        }
        RegistrationListener none = null;
        if (factory.getConfigProvider(LAYER, appContext, none) != null && hasOwnRegistration(factory, appContext)) {
            return "the application registers an authentication of its own (a Jakarta Security mechanism)";
        }
        return null;
    }

    /** A registration for exactly this context (not a runtime's default for every application). */
    private static boolean hasOwnRegistration(AuthConfigFactory factory, String appContext) {
        for (String id : factory.getRegistrationIDs(null)) {
            AuthConfigFactory.RegistrationContext registration = factory.getRegistrationContext(id);
            if (registration != null && appContext.equals(registration.getAppContext())
                    && (registration.getMessageLayer() == null || LAYER.equals(registration.getMessageLayer()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        registrationIds.forEach(AuthConfigFactory.getFactory()::removeRegistration);
        registrationIds.clear();
    }
}

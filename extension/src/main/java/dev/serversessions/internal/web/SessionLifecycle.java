package dev.serversessions.internal.web;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.session.ExpirySweep;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.enterprise.concurrent.ContextService;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Starts what the application's sessions need once it is up and stops it with the application:
 * the scheduled purge of stores without their own expiry (when {@code SESSION_CLEANUP_N_REQUESTS}
 * is unset), the sweep that announces expired sessions to the application's listeners
 * ({@link ExpirySweep}, only when it has some), and the closing of backends the library built.
 */
final class SessionLifecycle implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(SessionLifecycle.class.getName());
    private static final long PURGE_MINUTES = 5;

    private final SessionRuntime runtime;
    private final SessionListeners listeners;
    private PeriodicWork work;
    private ScheduledFuture<?> purge;
    private ScheduledFuture<?> sweeping;
    private ExpirySweep sweep;

    /** @param listeners the application's session listeners, or null where requests do not wrap HttpSession */
    SessionLifecycle(SessionRuntime runtime, SessionListeners listeners) {
        this.runtime = runtime;
        this.listeners = listeners;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (!runtime.isCdiActive()) {
            LOG.info("CDI did not run for " + event.getServletContext().getContextPath()
                    + ": @Inject ServerSession is unavailable (add an empty WEB-INF/beans.xml to make the WAR a bean archive);"
                    + " the session filter and request.getSession() work regardless");
        }
        if (runtime.settings().cleanupEveryNRequests().isEmpty()) {
            purge = work().every(Duration.ofMinutes(PURGE_MINUTES), "Scheduled purge of expired sessions", this::purgeIfNeeded);
        }
        if (listeners != null) {
            startSweep();
        }
    }

    /** No store call happens here: a backend only notes that it keeps expired sessions for claims. */
    private void startSweep() {
        try {
            sweep = ExpirySweep.forApplication(runtime, listeners).orElse(null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Expired sessions will not be announced to the application's listeners: " + e, e);
        }
        if (sweep != null) {
            sweeping = work().every(runtime.settings().expirySweepInterval(), "Sweep of expired sessions", sweep::sweep);
        }
    }

    private void purgeIfNeeded() {
        SessionBackend backend = runtime.activeBackend();
        if (!backend.expiresEntriesItself()) {
            runtime.purge(backend);
        }
    }

    /**
     * The timer of this application's periodic work, made on first use, on the deploying
     * thread: that is where the runtime's {@code ContextService} captures the application's
     * context for each task (without one, the application's class loader).
     */
    private PeriodicWork work() {
        if (work == null) {
            work = new PeriodicWork("server-sessions-timer", applicationContext());
        }
        return work;
    }

    private static UnaryOperator<Runnable> applicationContext() {
        try {
            return ManagedContext.ofApplication();
        } catch (NamingException | ClassCastException | NoClassDefFoundError e) {
            LOG.info("The runtime offers no Jakarta Concurrency ContextService (java:comp/DefaultContextService): the"
                    + " purge and the expiry sweep run with the application's class loader, and listeners told of an"
                    + " expired session cannot look up java:comp (on Open Liberty, enable the concurrent-3.0 feature)");
            ClassLoader application = Thread.currentThread().getContextClassLoader();
            return task -> () -> {
                Thread thread = Thread.currentThread();
                ClassLoader before = thread.getContextClassLoader();
                thread.setContextClassLoader(application);
                try {
                    task.run();
                } finally {
                    thread.setContextClassLoader(before);
                }
            };
        }
    }

    /** Apart, so that a runtime without Jakarta Concurrency never loads its classes. */
    private static final class ManagedContext {
        static UnaryOperator<Runnable> ofApplication() throws NamingException {
            ContextService context = (ContextService) new InitialContext().lookup("java:comp/DefaultContextService");
            return task -> context.createContextualProxy(task, Runnable.class);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (purge != null) {
            purge.cancel(false);
        }
        if (sweeping != null) {
            sweeping.cancel(false);
            sweep.stop();
        }
        if (work != null) {
            work.stop();
        }
        SessionRuntime.shutdown();
    }
}

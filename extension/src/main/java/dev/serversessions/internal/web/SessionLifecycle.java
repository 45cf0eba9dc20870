package dev.serversessions.internal.web;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.session.ExpirySweep;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    private ScheduledExecutorService executor;
    private ScheduledExecutorService ownExecutor;
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
            purge = executor().scheduleWithFixedDelay(this::purgeIfNeeded, PURGE_MINUTES, PURGE_MINUTES, TimeUnit.MINUTES);
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
            long millis = runtime.settings().expirySweepInterval().toMillis();
            sweeping = executor().scheduleWithFixedDelay(this::sweepOnce, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void sweepOnce() {
        try {
            sweep.sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Sweep of expired sessions failed: " + e, e);
        }
    }

    private void purgeIfNeeded() {
        try {
            SessionBackend backend = runtime.activeBackend();
            if (!backend.expiresEntriesItself()) {
                runtime.purge(backend);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Scheduled purge of expired sessions failed: " + e, e);
        }
    }

    /** The runtime's managed scheduler where there is one (Jakarta Concurrency), else a daemon thread. */
    private ScheduledExecutorService executor() {
        if (executor != null) {
            return executor;
        }
        try {
            executor = (ScheduledExecutorService) new InitialContext().lookup("java:comp/DefaultManagedScheduledExecutorService");
        } catch (NamingException | ClassCastException | NoClassDefFoundError e) {
            ownExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "server-sessions-purge");
                thread.setDaemon(true);
                return thread;
            });
            executor = ownExecutor;
        }
        return executor;
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
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
        SessionRuntime.shutdown();
    }
}

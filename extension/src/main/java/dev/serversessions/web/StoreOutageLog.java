package dev.serversessions.web;

import dev.serversessions.api.SessionStoreUnavailableException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a store outage clearly but not once per request: the first failure with its cause, then
 * at most one line every ten seconds while it lasts.
 */
final class StoreOutageLog {
    private static final Logger LOG = Logger.getLogger(StoreOutageLog.class.getName());
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    void report(SessionStoreUnavailableException e, String uri) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.log(Level.SEVERE, e.getMessage() + " (request " + uri + " answered 503; it will be retried on the next request)",
                    LOG.isLoggable(Level.FINE) ? e : null);
        }
    }
}

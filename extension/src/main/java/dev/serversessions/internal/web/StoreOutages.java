package dev.serversessions.internal.web;

import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.metrics.SessionMetrics;
import dev.serversessions.internal.session.SessionLockTimeoutException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns an unreachable store into HTTP 503 with a plain message, never a stack trace, and logs
 * the outage clearly but not once per request: the first failure, then at most one line every
 * ten seconds while it lasts. A session another request invalidated or renamed under this one
 * (already logged where it was found) becomes HTTP 409 the same way.
 */
final class StoreOutages {
    private static final Logger LOG = Logger.getLogger(StoreOutages.class.getName());
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final byte[] BODY = "The session store is unavailable; please try again shortly.\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONFLICT_BODY = ("Your session was changed by another request (logged out, or logged in "
            + "again) while this one was served; this request's changes were not saved. Please try again.\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOCKED_BODY = ("Other requests of your session took too long; this request was not served."
            + " Please try again shortly.\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] BUSY_BODY = ("Too many requests of your session are waiting already; this request was not served."
            + " Please try again shortly.\n").getBytes(StandardCharsets.UTF_8);
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private final Supplier<SessionMetrics> metrics;

    /** @param metrics where the 503s are counted (asked per outage: found on the first request) */
    StoreOutages(Supplier<SessionMetrics> metrics) {
        this.metrics = metrics;
    }

    /**
     * Answers 503 if {@code failure} is, or was caused by, an unreachable store.
     *
     * @return false if it was some other failure, which the caller rethrows
     */
    boolean answer(Throwable failure, HttpServletRequest request, HttpServletResponse response) throws IOException {
        while (response instanceof SaveBeforeCommitResponse saving) {
            response = (HttpServletResponse) saving.getResponse(); // our wrapper would try to save again
        }
        if (find(failure, SessionConflictException.class) != null) {
            return answer(response, HttpServletResponse.SC_CONFLICT, CONFLICT_BODY);
        }
        SessionLockTimeoutException locked = find(failure, SessionLockTimeoutException.class);
        if (locked != null) {
            // already logged where it happened; the request never ran without its session's lock
            return locked.waited() ? answer(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, LOCKED_BODY)
                    : answer(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, BUSY_BODY, "1");
        }
        SessionStoreUnavailableException outage = find(failure, SessionStoreUnavailableException.class);
        if (outage == null) {
            return false;
        }
        report(outage, request.getRequestURI());
        if (!response.isCommitted()) {
            metrics.get().unavailableAnswered();
        }
        return answer(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, BODY);
    }

    private static boolean answer(HttpServletResponse response, int status, byte[] body) throws IOException {
        return answer(response, status, body, "5");
    }

    private static boolean answer(HttpServletResponse response, int status, byte[] body, String retryAfter) throws IOException {
        if (!response.isCommitted()) {
            try {
                response.reset();
            } catch (IllegalStateException e) {
                LOG.log(Level.FINE, "response could not be reset", e);
                return true;
            }
            response.setStatus(status);
            if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
                response.setHeader("Retry-After", retryAfter);
            }
            response.setContentType("text/plain;charset=UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
        return true;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private void report(SessionStoreUnavailableException e, String uri) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.log(Level.SEVERE, e.getMessage() + " (request " + uri + " answered 503; it will be retried on the next request)",
                    LOG.isLoggable(Level.FINE) ? e : null);
        }
    }
}
